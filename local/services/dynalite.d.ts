/**
 * Types for `dynalite` 4, which ships none: the function that creates an in-process DynamoDB-compatible HTTP
 * server (LevelDB in memory unless `path` is given).
 * @see https://github.com/architect/dynalite#readme
 */
declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    /** Milliseconds a new table stays CREATING. @default 500 */
    createTableMs?: number;
    /** Milliseconds a deleted table stays DELETING. @default 500 */
    deleteTableMs?: number;
    /** Milliseconds an updated table stays UPDATING. @default 500 */
    updateTableMs?: number;
    /** Largest item, in KB. @default 400 */
    maxItemSizeKb?: number;
    /** LevelDB directory; in memory when absent. */
    path?: string;
    verbose?: boolean;
    debug?: boolean;
  }

  /** Creates the server; call `listen(port, host)` to start it and `close(callback)` to stop it and its store. */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
