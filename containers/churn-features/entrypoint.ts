import { main } from "./index";

/**
 * The churn-features image's entry point: runs {@link main} with the container's command and environment, as the
 * Batch job runs it (the SDK finds the job role's credentials), prints its output as JSON, and exits with the
 * error's `exitCode` (2 for bad input) or 1. Locally the runner calls `main` directly.
 */
main(process.argv.slice(2), process.env as Record<string, string>).then(
  (output) => process.stdout.write(`${JSON.stringify(output)}\n`),
  (error: Error & { exitCode?: number }) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(Number.isInteger(error.exitCode) ? error.exitCode! : 1);
  },
);
