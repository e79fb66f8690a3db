import { expect } from "chai";
import { handler as billing } from "../../handlers/billing-support";
import { handler as general } from "../../handlers/general-support";
import { handler as technical } from "../../handlers/technical-support";
import { InvalidSupportRequest } from "../../handlers/lib/support";
import { rejectionOf } from "./helpers";

const request = (fields: Record<string, unknown> = {}) => ({ ticketId: "tkt-1", customerId: "cust-1", subject: "Help", message: "Something is wrong.", ...fields });

describe("support handlers", () => {
  it("files an outage in the technical-support queue at high priority, anything else at normal", async () => {
    expect(await technical(request({ message: "The site is down." }))).to.include({ queue: "technical-support", priority: "high" });
    expect(await technical(request())).to.include({ queue: "technical-support", priority: "normal" });
  });

  it("names the invoice of a billing request, upper-cased, and asks for it when there is none", async () => {
    expect((await billing(request({ message: "About inv-42" }))).reply).to.equal("Our billing team is reviewing invoice INV-42.");
    expect((await billing(request())).reply).to.match(/^Please reply with the invoice number/);
  });

  it("files a general request with customer care at low priority", async () => {
    expect(await general(request())).to.include({ ticketId: "tkt-1", queue: "customer-care", priority: "low" });
  });

  for (const field of ["ticketId", "customerId", "message"]) {
    it(`rejects a request whose ${field} is blank with InvalidSupportRequest echoing the value`, async () => {
      for (const handle of [technical, billing, general]) {
        const error = await rejectionOf(handle(request({ [field]: " " })));
        expect(error).to.be.instanceOf(InvalidSupportRequest);
        expect(error.message).to.equal(`${field} must be a non-empty string. Received: " "`);
      }
    });
  }
});
