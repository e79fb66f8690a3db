import { expect } from "chai";
import { withoutSdkNodeVersionNotice, withoutSourceMaps } from "../../cli/runtime";

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

describe("withoutSdkNodeVersionNotice", () => {
  const name = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
  it("turns the AWS SDK's Node.js version notice off, unless the user chose otherwise", () => {
    const before = process.env[name];
    try {
      delete process.env[name];
      withoutSdkNodeVersionNotice();
      expect(process.env[name]).to.equal("true");
      process.env[name] = "false";
      withoutSdkNodeVersionNotice();
      expect(process.env[name]).to.equal("false");
    } finally {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
  });
});
