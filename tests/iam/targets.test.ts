import { expect } from "chai";
import { findValues } from "../../infra/iam/targets";

describe("findValues", () => {
  it("finds a static value at a path", () => {
    expect(findValues({ FunctionName: "work" }, "Parameters", "FunctionName")).to.deep.equal([{ field: "Parameters.FunctionName", value: "work" }]);
  });

  it("finds nothing for an absent path, and the default when one is given", () => {
    expect(findValues({ Payload: {} }, "Parameters", "FunctionName")).to.deep.equal([]);
    expect(findValues(undefined, "Parameters", "WorkGroup", "primary")).to.deep.equal([{ field: "Parameters.WorkGroup", value: "primary" }]);
  });

  it("marks a key ending .$ as dynamic, quoting its path", () => {
    expect(findValues({ "FunctionName.$": "$.fn" }, "Parameters", "FunctionName")).to.deep.equal([{ field: "Parameters.FunctionName.$", dynamic: 'read from the path "$.fn"' }]);
  });

  it("marks a JSONata value, and a whole JSONata Arguments, as dynamic", () => {
    expect(findValues({ FunctionName: "{% $states.input.fn %}" }, "Arguments", "FunctionName")[0].dynamic).to.equal("computed by a JSONata expression");
    expect(findValues("{% $states.input %}", "Arguments", "Overrides.TaskRoleArn")).to.deep.equal([{ field: "Arguments", dynamic: "computed by a JSONata expression" }]);
  });

  it("marks an unresolved placeholder as dynamic", () => {
    expect(findValues({ TopicArn: "${Alerts}" }, "Parameters", "TopicArn")[0].dynamic).to.equal("the unresolved placeholder ${Alerts}");
  });

  it("follows nested objects, and an enclosing object read from a path makes its fields dynamic", () => {
    expect(findValues({ Overrides: { TaskRoleArn: "arn:aws:iam::1:role/x" } }, "Parameters", "Overrides.TaskRoleArn")).to.deep.equal([
      { field: "Parameters.Overrides.TaskRoleArn", value: "arn:aws:iam::1:role/x" },
    ]);
    expect(findValues({ "Overrides.$": "$.overrides" }, "Parameters", "Overrides.TaskRoleArn")[0].field).to.equal("Parameters.Overrides.$");
  });

  it("visits every element of an array, with the default for an element that lacks the field", () => {
    const entries = { Entries: [{ EventBusName: "orders" }, { Source: "shop" }, { "EventBusName.$": "$.bus" }] };
    expect(findValues(entries, "Parameters", "Entries[].EventBusName", "default")).to.deep.equal([
      { field: "Parameters.Entries[0].EventBusName", value: "orders" },
      { field: "Parameters.Entries[1].EventBusName", value: "default" },
      { field: "Parameters.Entries[2].EventBusName.$", dynamic: 'read from the path "$.bus"' },
    ]);
  });

  it("yields the keys of an object for a {} segment", () => {
    expect(findValues({ RequestItems: { orders: [], "audit.$": "$.a" } }, "Parameters", "RequestItems{}")).to.deep.equal([
      { field: "Parameters.RequestItems.orders", value: "orders" },
      { field: "Parameters.RequestItems.audit.$", value: "audit" },
    ]);
  });

  it("reports a value that is not a string, for the caller's error", () => {
    expect(findValues({ FunctionName: 42 }, "Parameters", "FunctionName")).to.deep.equal([{ field: "Parameters.FunctionName", received: 42 }]);
  });
});
