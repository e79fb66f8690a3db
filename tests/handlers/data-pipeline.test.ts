import { expect } from "chai";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createHandler as createPrepare, extract, monthOf } from "../../handlers/prepare-datasets";
import { createHandler as createScore, score } from "../../handlers/score-feedback";
import { createHandler as createAggregate } from "../../handlers/aggregate-results";
import { main as report } from "../../containers/monthly-report";
import { main as inventory } from "../../jobs/dataset-aggregate";
import { rejectionOf } from "./helpers";

/** An S3 of objects in memory, answering GetObject and PutObject as the SDK's client would. */
function memoryS3() {
  const objects = new Map<string, string>();
  return {
    objects,
    async send(command: never): Promise<unknown> {
      const input = (command as { input: { Bucket: string; Key: string; Body?: string } }).input;
      const at = `${input.Bucket}/${input.Key}`;
      if ((command as object) instanceof PutObjectCommand) {
        objects.set(at, String(input.Body));
        return {};
      }
      if ((command as object) instanceof GetObjectCommand) {
        const body = objects.get(at);
        if (body === undefined) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" });
        return { Body: { transformToString: async () => body } };
      }
      throw new Error(`unexpected ${(command as object).constructor.name}`);
    },
  };
}

describe("data-pipeline's code, end to end over one S3", () => {
  it("prepares the month's datasets, reports, aggregates and scores them, and writes the summary those outputs add up to", async () => {
    const s3 = memoryS3();
    const prepared = await createPrepare({ s3 }, { bucket: "data" })({ input: { month: "2026-11" }, startedAt: "2026-12-01T03:00:00Z" });
    expect(prepared).to.deep.equal({ month: "2026-11", bucket: "data", datasets: { sales: "input/2026-11/sales.json", inventory: "input/2026-11/inventory.json", feedback: "input/2026-11/feedback.json" } });
    const sales = JSON.parse(s3.objects.get("data/input/2026-11/sales.json")!) as { rows: { amount: number }[] };
    await report([], { DATASETS_BUCKET: "data", SALES_KEY: prepared.datasets.sales, REPORT_KEY: "output/2026-11/report.json" }, { s3 });
    await inventory([], { dataset_bucket: "data", dataset_key: prepared.datasets.inventory, output_key: "output/2026-11/inventory.json", group_by: "warehouse" }, { s3 });
    const feedback = await createScore({ s3 })({ bucket: "data", key: prepared.datasets.feedback });
    const summary = await createAggregate({ s3 })({ month: "2026-11", bucket: "data", reportKey: "output/2026-11/report.json", inventoryKey: "output/2026-11/inventory.json", feedback });
    expect(summary.sales.total).to.equal(Math.round(sales.rows.reduce((sum, row) => sum + row.amount, 0) * 100) / 100);
    expect(Object.keys(summary.inventory.byWarehouse)).to.deep.equal(["dublin", "lyon", "porto"]);
    expect(summary.inventory.records).to.equal(6);
    expect(JSON.parse(s3.objects.get("data/summaries/2026-11.json")!)).to.deep.equal(summary);
  });

  it("prepares the month before the start of a scheduled run, and refuses a month that does not exist", async () => {
    expect(monthOf({}, "2026-01-01T03:00:00Z")).to.equal("2025-12");
    expect((await rejectionOf(Promise.resolve().then(() => monthOf({ month: "2026-13" }, ""))))).to.include({ name: "InvalidMonth" });
    expect(extract("2026-11")).to.deep.equal(extract("2026-11"));
    expect(extract("2026-11")).to.not.deep.equal(extract("2026-10"));
  });

  it("scores feedback, and refuses a rating outside 1 to 5 naming the record", async () => {
    expect(score([{ rating: 5 }, { rating: 1 }, { rating: 3 }, { rating: 5 }])).to.deep.equal({ responses: 4, meanRating: 3.5, detractorShare: 0.25, promoterShare: 0.5 });
    const error = await rejectionOf(Promise.resolve().then(() => score([{ rating: 5 }, { rating: 9 }])));
    expect(error).to.include({ name: "InvalidDataset" });
    expect(error.message).to.include("feedback record 1");
  });

  it("fails the report with exit code 2 on a month without sales, and the aggregate naming a record without a numeric value", async () => {
    const s3 = memoryS3();
    s3.objects.set("data/input/empty.json", JSON.stringify({ month: "2026-09", rows: [] }));
    const exit = await rejectionOf(report([], { DATASETS_BUCKET: "data", SALES_KEY: "input/empty.json", REPORT_KEY: "output/r.json" }, { s3 }));
    expect((exit as Error & { exitCode: number }).exitCode).to.equal(2);
    s3.objects.set("data/input/inventory.json", JSON.stringify([{ warehouse: "lyon", value: "lots" }]));
    const failed = await rejectionOf(inventory([], { dataset_bucket: "data", dataset_key: "input/inventory.json", output_key: "output/i.json" }, { s3 }));
    expect(failed.message).to.equal('record 0 has no numeric value: {"warehouse":"lyon","value":"lots"}');
    expect(s3.objects.has("data/output/i.json")).to.equal(false);
  });
});
