import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Loaded by mocha before any test file (`.mocharc.json` `require`), in each worker: points `TMPDIR` (what
 * `os.tmpdir()` returns, and what the CLIs the tests spawn inherit) at a directory of this process's own, removed
 * when the process exits, so the temporary files and directories tests make do not pile up across runs.
 */
const directory = fs.mkdtempSync(path.join(os.tmpdir(), "statecraft-tests-"));
process.env.TMPDIR = directory;
process.once("exit", () => fs.rmSync(directory, { recursive: true, force: true }));
