/**
 * The container's entry point (`ENTRYPOINT ["node", "/app/main.js"]` of `containers/Dockerfile`, bundled by esbuild): runs
 * {@link main} with the container's command and environment, prints its result as JSON on standard output, and
 * exits with the error's `exitCode` (1 by default) on failure, as ECS then reports it in the task's `ExitCode`.
 */
import { main } from "./index";

main(process.argv.slice(2), process.env as Record<string, string>).then(
  (output) => console.log(JSON.stringify(output)),
  (error: Error & { exitCode?: number }) => {
    console.error(error.message);
    process.exit(typeof error.exitCode === "number" ? error.exitCode : 1);
  },
);
