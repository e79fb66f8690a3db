import { expect } from "chai";
import { handler, InvalidLoanApplication } from "../../handlers/collect-application";
import { rejectionOf } from "./helpers";

/** A complete, valid loan application; each test changes one field. */
const application = () => ({
  applicationId: "loan-2025-0001",
  submittedAt: "2025-06-02T09:30:00Z",
  applicant: {
    id: "app-3000",
    name: " Ada Lovelace ",
    email: "Ada@Example.com",
    ssn: "123-45-6789",
    address: { street: "12 St James's Square", city: "London", postalCode: "SW1Y 4JH", country: "gb" },
  },
  creditRequested: 3000,
});

describe("collect-application handler", () => {
  it("shapes the credit request credit-approval takes, text trimmed and the email lower-cased", async () => {
    expect(await handler(application())).to.deep.equal({
      applicationId: "loan-2025-0001",
      submittedAt: "2025-06-02T09:30:00Z",
      creditRequest: {
        applicantId: "app-3000",
        name: "Ada Lovelace",
        email: "ada@example.com",
        ssn: "123-45-6789",
        address: { street: "12 St James's Square", city: "London", postalCode: "SW1Y 4JH", country: "gb" },
        creditRequested: 3000,
      },
    });
  });

  it("lists every problem at once in InvalidLoanApplication, each echoing the value", async () => {
    const bad = { ...application(), applicationId: "loan 2025/1", creditRequested: -5, applicant: { ...application().applicant, email: "nobody", address: { street: "x", city: "", postalCode: "1", country: "GB" } } };
    const error = (await rejectionOf(handler(bad))) as InvalidLoanApplication;
    expect(error).to.be.instanceOf(InvalidLoanApplication);
    expect(error.name).to.equal("InvalidLoanApplication");
    expect(error.problems).to.deep.equal([
      `applicationId must be 1-80 letters, digits, '-' or '_'. Received: "loan 2025/1"`,
      "creditRequested must be a positive number. Received: -5",
      `applicant.email must be an email address. Received: "nobody"`,
      `applicant.address.city must be a non-empty string. Received: ""`,
    ]);
  });

  it("rejects an execution name Step Functions would refuse: longer than 80 characters", async () => {
    const error = (await rejectionOf(handler({ ...application(), applicationId: "a".repeat(81) }))) as InvalidLoanApplication;
    expect(error.problems).to.have.lengthOf(1);
  });

  it("rejects a missing applicant and a date without offset", async () => {
    const { applicant: _omitted, ...rest } = application();
    const error = (await rejectionOf(handler({ ...rest, submittedAt: "2025-06-02" }))) as InvalidLoanApplication;
    expect(error.problems).to.deep.equal([`submittedAt must be an ISO 8601 date-time with offset. Received: "2025-06-02"`, "applicant must be a JSON object. Received: undefined"]);
  });

  it("rejects an event that is not an object", async () => {
    const error = (await rejectionOf(handler([1]))) as InvalidLoanApplication;
    expect(error.message).to.equal("The loan application must be a JSON object. Received: [1]");
  });
});
