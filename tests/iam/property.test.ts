import { expect } from "chai";
import * as fc from "fast-check";
import { AslState, AslStateMachine } from "../../infra/definition/asl";
import { validateAsl } from "../../infra/definition/validate";
import { ArnContext } from "../../infra/iam/arn";
import { deriveExecutionPolicy } from "../../infra/iam/derive";
import { allows } from "./evaluate";
import { taskCalls } from "./oracle";
import { scopedActionsOnStar } from "./star";

/**
 * Property: for any definition built from the catalog's integrations — targets static or dynamic, JSONPath or
 * JSONata, Tasks nested at any depth in Parallel branches and Map processors — the derived policy allows every
 * Task's call on its target, allows a dynamic target only in the machine's own account, and grants a bare `*`
 * only for actions that have no resource type in the Service Authorization Reference (`star.ts`).
 */

const CONTEXT: ArnContext = { partition: "aws", region: "eu-west-1", account: "111111111111" };
const R = "eu-west-1:111111111111";

type Language = "JSONPath" | "JSONata";
interface TaskSpec {
  integration: keyof typeof TEMPLATES;
  name: string;
  dynamic: boolean;
  /** How deep the Task sits: each entry wraps it in a Parallel branch or a Map processor. */
  nesting: ("Parallel" | "Map")[];
}

/** Per integration: the Resource and the payload, given the target's static name or dynamic expression. */
const TEMPLATES = {
  lambda: { resource: "arn:aws:states:::lambda:invoke", field: "FunctionName", value: (n: string) => `arn:aws:lambda:${R}:function:${n}` },
  sns: { resource: "arn:aws:states:::sns:publish", field: "TopicArn", value: (n: string) => `arn:aws:sns:${R}:${n}` },
  sqs: { resource: "arn:aws:states:::sqs:sendMessage", field: "QueueUrl", value: (n: string) => `https://sqs.eu-west-1.amazonaws.com/111111111111/${n}` },
  dynamodb: { resource: "arn:aws:states:::dynamodb:putItem", field: "TableName", value: (n: string) => n },
  child: { resource: "arn:aws:states:::states:startExecution.sync:2", field: "StateMachineArn", value: (n: string) => `arn:aws:states:${R}:stateMachine:${n}` },
  glue: { resource: "arn:aws:states:::glue:startJobRun.sync", field: "JobName", value: (n: string) => n },
  codebuild: { resource: "arn:aws:states:::codebuild:startBuild.sync", field: "ProjectName", value: (n: string) => n },
  secret: { resource: "arn:aws:states:::aws-sdk:secretsmanager:getSecretValue", field: "SecretId", value: (n: string) => n },
  sdkLambda: { resource: "arn:aws:states:::aws-sdk:lambda:invoke", field: "FunctionName", value: (n: string) => n },
};

function taskState(spec: TaskSpec, language: Language): AslState {
  const template = TEMPLATES[spec.integration];
  if (language === "JSONata") {
    return { Type: "Task", Resource: template.resource, Arguments: { [template.field]: spec.dynamic ? `{% $states.input.${template.field} %}` : template.value(spec.name) }, End: true };
  }
  return { Type: "Task", Resource: template.resource, Parameters: spec.dynamic ? { [`${template.field}.$`]: `$.${template.field}` } : { [template.field]: template.value(spec.name) }, End: true };
}

/** The Task, wrapped from the inside out; each State is named after its Task's index and depth. */
function wrapped(spec: TaskSpec, index: number, language: Language): [string, AslState] {
  let name = `Task ${index}`;
  let state = taskState(spec, language);
  spec.nesting.forEach((kind, depth) => {
    const inner: AslStateMachine = { StartAt: name, States: { [name]: state } };
    name = `${kind} ${index}.${depth}`;
    state = kind === "Parallel" ? { Type: "Parallel", Branches: [inner], End: true } : { Type: "Map", ItemProcessor: inner, End: true };
  });
  return [name, state];
}

function definitionOf(specs: TaskSpec[], language: Language): AslStateMachine {
  const states = specs.map((spec, i) => wrapped(spec, i, language));
  states.forEach(([, state], i) => {
    if (i < states.length - 1) {
      delete state.End;
      state.Next = states[i + 1][0];
    }
  });
  return { QueryLanguage: language, StartAt: states[0][0], States: Object.fromEntries(states) };
}

const taskSpec: fc.Arbitrary<TaskSpec> = fc.record({
  integration: fc.constantFrom(...(Object.keys(TEMPLATES) as (keyof typeof TEMPLATES)[])),
  name: fc.stringMatching(/^[a-z][a-z0-9-]{2,20}$/),
  dynamic: fc.boolean(),
  nesting: fc.array(fc.constantFrom("Parallel" as const, "Map" as const), { maxLength: 3 }),
});

describe("deriveExecutionPolicy on generated definitions", () => {
  it("allows every Task's call on its target and scopes every dynamic target to the account", () => {
    fc.assert(
      fc.property(fc.array(taskSpec, { minLength: 1, maxLength: 6 }), fc.constantFrom<Language>("JSONPath", "JSONata"), (specs, language) => {
        const definition = definitionOf(specs, language);
        expect(validateAsl(definition), "the generator builds valid ASL").to.deep.equal([]);
        const { document, warnings } = deriveExecutionPolicy("generated.asl.json", definition, CONTEXT, { stateMachineName: "generated" });
        const calls = taskCalls(definition, "generated");
        expect(calls).to.have.lengthOf(specs.length);
        for (const call of calls) {
          expect(allows(document, call.request), `${call.request.action} on ${call.request.resource}`).to.equal(true);
          if (call.foreign) expect(allows(document, call.foreign), `${call.foreign.action} on ${call.foreign.resource}`).to.equal(false);
        }
        expect(scopedActionsOnStar(document.Statement)).to.deep.equal([]);
        expect(new Set(warnings.map((w) => w.state)).size).to.equal(new Set(specs.map((s, i) => (s.dynamic ? i : -1)).filter((i) => i >= 0)).size);
      }),
      { numRuns: 200 },
    );
  });
});
