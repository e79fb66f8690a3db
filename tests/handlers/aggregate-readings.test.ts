import { expect } from "chai";
import { handler, InvalidSensorBatch } from "../../handlers/aggregate-readings";
import { rejectionOf } from "./helpers";

describe("aggregate-readings handler", () => {
  it("drops invalid packets and aggregates the rest per sensor, numbers as DynamoDB N strings", async () => {
    const result = await handler({
      gatewayId: " gw-1 ",
      packets: [
        { sensorId: "t-1", value: 20, timestamp: "2025-06-01T10:00:00Z" },
        { sensorId: "t-1", value: 21.25, timestamp: "2025-06-01T10:01:00Z" },
        { sensorId: "t-2", value: 130, timestamp: "2025-06-01T10:00:00Z" },
        { sensorId: "t-2", value: "19", timestamp: "2025-06-01T10:00:00Z" },
        { sensorId: "t-3", value: 5, timestamp: "yesterday" },
        null,
      ],
    });
    expect(result).to.deep.equal({
      gatewayId: "gw-1",
      accepted: 2,
      rejected: 4,
      sensors: [{ sensorId: "t-1", count: "2", min: "20", max: "21.25", avg: "20.63", lastValue: "21.25", lastReadingAt: "2025-06-01T10:01:00.000Z" }],
    });
  });

  it("returns no sensors when every packet is invalid (the workflow then fails with NoValidReadings)", async () => {
    expect(await handler({ gatewayId: "gw-2", packets: [{ sensorId: "t-1", value: -41, timestamp: "2025-06-01T10:00:00Z" }] })).to.deep.equal({ gatewayId: "gw-2", accepted: 0, rejected: 1, sensors: [] });
  });

  it("rejects a batch without a gateway id or a packet list with InvalidSensorBatch", async () => {
    expect((await rejectionOf(handler({ packets: [] }))).name).to.equal("InvalidSensorBatch");
    const error = await rejectionOf(handler({ gatewayId: "gw-3", packets: "none" }));
    expect(error).to.be.instanceOf(InvalidSensorBatch);
    expect(error.message).to.match(/packets must be a list/);
  });
});
