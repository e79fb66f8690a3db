import { expect } from "chai";
import { withoutSourceMaps } from "../../cli/runtime";

describe("withoutSourceMaps", () => {
  it("turns Node's source-map support off, which tsx had turned on", () => {
    const before = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled;
    try {
      withoutSourceMaps();
      expect((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled).to.equal(false);
    } finally {
      process.setSourceMapsEnabled(before ?? true);
    }
  });
});
