import { DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { SendTaskFailureCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import type { TaskTokenResponder } from "./approvals";
import { LocalRunError } from "./errors";
import type { LocalSqs } from "./services/sqs";

/**
 * What the payment worker of a local run does with each payment request (the scenario's `paymentWorker`):
 * `paid` answers SendTaskSuccess; `insufficient-funds` SendTaskFailure `Payment.InsufficientFunds`;
 * `throttled-once` SendTaskFailure `Payment.Throttled` the first time, then pays the retried request.
 */
export interface PaymentWorkerPlan {
  outcome: "paid" | "insufficient-funds" | "throttled-once";
}

/**
 * A responder playing the payment worker at the other end of order-processing's payment queue: it receives the
 * message the `sqs:sendMessage.waitForTaskToken` Task sent (from the stack's `LocalSqs`, at the Task's `QueueUrl`),
 * reads its `taskToken`, deletes it and answers the token through the local Step Functions client, as a real
 * worker would through `SendTaskSuccess`/`SendTaskFailure`.
 * @param plan how it answers.
 * @param sqs the stack's SQS stand-in.
 * @returns the responder, called once per waiting Task (each retry sends a new message with a new token).
 */
export function paymentWorkerResponder(plan: PaymentWorkerPlan, sqs: LocalSqs): TaskTokenResponder {
  let throttled = false;
  return async (task) => {
    const queueUrl = (task.parameters as { QueueUrl?: unknown }).QueueUrl;
    if (typeof queueUrl !== "string") throw new LocalRunError(`the payment worker answers sqs:sendMessage Tasks only; ${task.resource} has no QueueUrl.`, task.state);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 }));
    const message = Messages[0];
    if (!message?.Body) throw new LocalRunError(`the payment worker found no message on ${queueUrl}.`, task.state);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    const body = JSON.parse(message.Body) as { taskToken?: string; orderId?: string; amount?: number };
    if (typeof body.taskToken !== "string") throw new LocalRunError(`the payment message carries no taskToken: ${message.Body}`, task.state);
    const taskToken = body.taskToken;
    if (plan.outcome === "insufficient-funds") {
      await task.stepFunctions.send(new SendTaskFailureCommand({ taskToken, error: "Payment.InsufficientFunds", cause: `the card of order ${body.orderId} was declined: insufficient funds for ${body.amount}` }));
    } else if (plan.outcome === "throttled-once" && !throttled) {
      throttled = true;
      await task.stepFunctions.send(new SendTaskFailureCommand({ taskToken, error: "Payment.Throttled", cause: "the payment provider answered 429 Too Many Requests" }));
    } else {
      await task.stepFunctions.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ paymentId: `pay-${body.orderId}`, status: "PAID" }) }));
    }
  };
}
