import { expect } from "chai";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Jimp } from "jimp";
import { createHandler, drawWatermark, InvalidImageBatch, InvalidImageSettings, type ImagesClient, settingsFromEnvironment, UndecodableImage } from "../../handlers/process-images";
import { rejectionOf } from "./helpers";

const BUCKET = "statecraft-dev-images-111111111111-eu-west-1";

/** An in-memory bucket behind GetObject and PutObject, recording what was written. */
function bucket(objects: Record<string, Buffer>): ImagesClient & { written: Map<string, { body: Buffer; contentType?: string }> } {
  const written = new Map<string, { body: Buffer; contentType?: string }>();
  return {
    written,
    async send(command) {
      expect(command.input.Bucket).to.equal(BUCKET);
      const key = command.input.Key!;
      if (command instanceof PutObjectCommand) {
        written.set(key, { body: Buffer.from(command.input.Body as Uint8Array), contentType: command.input.ContentType });
        return {};
      }
      expect(command).to.be.instanceOf(GetObjectCommand);
      const body = objects[key];
      if (!body) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" });
      return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
    },
  };
}

/** A solid image of one colour, encoded. */
async function solid(width: number, height: number, rgba: number, mime: "image/png" | "image/jpeg" = "image/png"): Promise<Buffer> {
  return new Jimp({ width, height, color: rgba }).getBuffer(mime);
}

const batch = (keys: string[], width = 96, filter = "greyscale") => ({ Items: keys.map((key) => ({ key, bytes: 1 })), BatchInput: { batchId: "b-1", width, filter } });

describe("process-images handler", () => {
  it("resizes a wide image to the batch's width, keeping its aspect, and writes it in its format to processed/<key>", async () => {
    const s3 = bucket({ "uploads/b-1/wide.png": await solid(200, 100, 0x3366ccff), "uploads/b-1/photo.jpg": await solid(160, 120, 0x808080ff, "image/jpeg") });
    const result = await createHandler({ s3 }, { bucketName: BUCKET })(batch(["uploads/b-1/wide.png", "uploads/b-1/photo.jpg"]));
    expect(result.batchId).to.equal("b-1");
    expect(result.images.map(({ key, processedKey, contentType, originalWidth, originalHeight, width, height }) => ({ key, processedKey, contentType, originalWidth, originalHeight, width, height }))).to.deep.equal([
      { key: "uploads/b-1/wide.png", processedKey: "processed/uploads/b-1/wide.png", contentType: "image/png", originalWidth: 200, originalHeight: 100, width: 96, height: 48 },
      { key: "uploads/b-1/photo.jpg", processedKey: "processed/uploads/b-1/photo.jpg", contentType: "image/jpeg", originalWidth: 160, originalHeight: 120, width: 96, height: 72 },
    ]);
    const written = s3.written.get("processed/uploads/b-1/wide.png")!;
    expect(written.contentType).to.equal("image/png");
    expect(result.images[0].bytes).to.equal(written.body.length);
    const decoded = await Jimp.fromBuffer(written.body);
    expect([decoded.bitmap.width, decoded.bitmap.height]).to.deep.equal([96, 48]);
    expect((await Jimp.fromBuffer(s3.written.get("processed/uploads/b-1/photo.jpg")!.body)).mime).to.equal("image/jpeg");
  });

  it("never enlarges an image narrower than the batch's width", async () => {
    const s3 = bucket({ "uploads/b-1/tile.png": await solid(48, 48, 0xcc2233ff) });
    const [image] = (await createHandler({ s3 }, { bucketName: BUCKET })(batch(["uploads/b-1/tile.png"]))).images;
    expect([image.width, image.height]).to.deep.equal([48, 48]);
  });

  it("applies the filter and draws the watermark: grey everywhere, lighter pixels only in the bottom-right corner", async () => {
    const s3 = bucket({ "uploads/b-1/red.png": await solid(200, 100, 0xc03020ff) });
    await createHandler({ s3 }, { bucketName: BUCKET })(batch(["uploads/b-1/red.png"], 200, "greyscale"));
    const { bitmap } = await Jimp.fromBuffer(s3.written.get("processed/uploads/b-1/red.png")!.body);
    const pixel = (x: number, y: number) => [...bitmap.data.subarray((y * bitmap.width + x) * 4, (y * bitmap.width + x) * 4 + 3)];
    const background = pixel(0, 0);
    expect(background[0]).to.equal(background[1]).and.to.equal(background[2]);
    expect(background[0]).to.be.below(200);
    const changed: [number, number][] = [];
    for (let y = 0; y < bitmap.height; y++) {
      for (let x = 0; x < bitmap.width; x++) {
        const [r, g, b] = pixel(x, y);
        expect(r === g && g === b, `pixel ${x},${y} is grey`).to.equal(true);
        if (r !== background[0]) changed.push([x, y]);
      }
    }
    expect(changed.length, "watermark pixels").to.be.above(100);
    expect(changed.every(([x, y]) => x >= bitmap.width / 2 && y >= bitmap.height / 2), "the watermark stays in the bottom-right quarter").to.equal(true);
    expect(Math.max(...changed.map(([x, y]) => pixel(x, y)[0]))).to.be.above(background[0] + 60);
  });

  it("tints with sepia when the batch asks for it", async () => {
    const s3 = bucket({ "uploads/b-1/grey.png": await solid(40, 40, 0x808080ff) });
    await createHandler({ s3 }, { bucketName: BUCKET })(batch(["uploads/b-1/grey.png"], 96, "sepia"));
    const { bitmap } = await Jimp.fromBuffer(s3.written.get("processed/uploads/b-1/grey.png")!.body);
    const [r, g, b] = bitmap.data.subarray(0, 3);
    expect(r).to.be.above(g);
    expect(g).to.be.above(b);
  });

  it("writes the batch's images, then fails with UndecodableImage naming the object that is not an image", async () => {
    const s3 = bucket({ "uploads/b-1/a.png": await solid(50, 50, 0x00ff00ff), "uploads/b-1/notes.png": Buffer.from("shot list"), "uploads/b-1/c.png": await solid(50, 50, 0x0000ffff) });
    const error = await rejectionOf(createHandler({ s3 }, { bucketName: BUCKET })(batch(["uploads/b-1/a.png", "uploads/b-1/notes.png", "uploads/b-1/c.png"])));
    expect(error).to.be.instanceOf(UndecodableImage);
    expect(error.name).to.equal("UndecodableImage");
    expect(error.message).to.match(/^1 of 3 objects of batch b-1 are not images \(2 processed\)\. Received: .*uploads\/b-1\/notes\.png/);
    expect([...s3.written.keys()]).to.deep.equal(["processed/uploads/b-1/a.png", "processed/uploads/b-1/c.png"]);
  });

  it("skips folder placeholders and lets S3's own errors through", async () => {
    const s3 = bucket({});
    expect(await createHandler({ s3 }, { bucketName: BUCKET })(batch(["uploads/b-1/"]))).to.deep.equal({ batchId: "b-1", images: [], skipped: ["uploads/b-1/"] });
    expect((await rejectionOf(createHandler({ s3 }, { bucketName: BUCKET })(batch(["uploads/b-1/gone.png"])))).name).to.equal("NoSuchKey");
  });

  it("rejects a batch it cannot process with InvalidImageBatch naming the field", async () => {
    const handler = createHandler({ s3: bucket({}) }, { bucketName: BUCKET });
    expect((await rejectionOf(handler({ Items: "none" }))).message).to.match(/must be a batch/);
    expect((await rejectionOf(handler(batch(["processed/x.png"])))).message).to.match(/Items\[0\]\.key must be under uploads\//);
    expect((await rejectionOf(handler(batch(["uploads/x.png"], 0)))).message).to.match(/BatchInput\.width must be .* Received: 0$/);
    const error = await rejectionOf(handler(batch(["uploads/x.png"], 96, "blur")));
    expect(error).to.be.instanceOf(InvalidImageBatch);
    expect(error.message).to.match(/BatchInput\.filter must be one of greyscale, sepia\. Received: "blur"/);
  });

  it("reads the bucket from IMAGES_BUCKET_NAME and refuses an environment without it", () => {
    expect(settingsFromEnvironment({ IMAGES_BUCKET_NAME: ` ${BUCKET} ` })).to.deep.equal({ bucketName: BUCKET });
    expect(() => settingsFromEnvironment({})).to.throw(InvalidImageSettings, /IMAGES_BUCKET_NAME must be set/);
  });

  it("clips the watermark on an image smaller than the mark", () => {
    const bitmap = { width: 10, height: 4, data: Buffer.alloc(10 * 4 * 4, 0) };
    drawWatermark(bitmap);
    expect(bitmap.data.some((value) => value > 0)).to.equal(true);
  });
});
