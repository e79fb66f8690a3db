import { createServer, type Server } from "node:http";
import { invocations } from "./index";

/**
 * The churn-model image's entry point (SageMaker starts the container with the argument `serve`): an HTTP server on
 * port 8080 answering `GET /ping` (200 when ready) and `POST /invocations` (the request's body, `Content-Type` and
 * `Accept` to {@link invocations}; 200 with its answer, or 400 with the error's message, which fails the transform job
 * with `AlgorithmError`). Locally the runner calls `invocations` directly and never starts this server.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html
 */
export function inferenceServer(): Server {
  return createServer((request, response) => {
    if (request.method === "GET" && request.url === "/ping") {
      response.writeHead(200).end();
      return;
    }
    if (request.method !== "POST" || request.url !== "/invocations") {
      response.writeHead(404, { "Content-Type": "text/plain" }).end(`no route ${request.method} ${request.url}`);
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const accept = String(request.headers.accept ?? "application/jsonlines");
      try {
        const answer = invocations(Buffer.concat(chunks).toString("utf8"), String(request.headers["content-type"] ?? ""), accept === "*/*" ? "application/jsonlines" : accept);
        response.writeHead(200, { "Content-Type": "application/jsonlines" }).end(answer);
      } catch (error) {
        response.writeHead(400, { "Content-Type": "text/plain" }).end((error as Error).message);
      }
    });
  });
}

if (require.main === module) {
  if (process.argv[2] !== undefined && process.argv[2] !== "serve") {
    process.stderr.write(`churn-model: the only command is serve. Received: ${process.argv[2]}\n`);
    process.exit(2);
  }
  inferenceServer().listen(8080, () => process.stdout.write("churn-model listening on 8080\n"));
}
