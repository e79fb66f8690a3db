import type { CapturedNotification } from "./services/notifications";
import type { ExecutionReport } from "./execution-types";
import type { ScenarioResult } from "./scenarios";
import type { PathStep } from "./history-report";

/**
 * Plain-text rendering of local runs: one block per scenario (path with Parallel branches and Map iterations
 * nested, retries, catches, waits, notifications, task tokens, backups, outcome, verdict) and the summary line.
 */

/** Longest rendering of an output or message before it is cut, in characters. */
export const MAX_SHOWN = 400;

interface PathNode {
  step: PathStep;
  groups: Map<string, PathNode[]>;
}

function cut(text: string, max = MAX_SHOWN): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}… (${text.length} chars)`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** A duration on the execution's clock: `900 s`, `1.5 s`, `250 ms`. */
function duration(value: number): string {
  return value >= 1 ? `${Number(value.toFixed(3))} s` : `${Math.round(value * 1000)} ms`;
}

/** Nests each step under the latest entry of its Parallel or Map, grouped by branch or iteration. */
function pathTree(path: readonly PathStep[]): PathNode[] {
  const roots: PathNode[] = [];
  const latest = new Map<string, PathNode>();
  for (const step of path) {
    const node: PathNode = { step, groups: new Map() };
    const parent = step.within ? latest.get(step.within.state) : undefined;
    if (parent && step.within) {
      const label = step.within.kind === "branch" ? `branch ${step.within.index + 1}` : `item ${step.within.index}`;
      const group = parent.groups.get(label) ?? [];
      group.push(node);
      parent.groups.set(label, group);
    } else {
      roots.push(node);
    }
    latest.set(step.state, node);
  }
  return roots;
}

/** Top-level steps numbered, nested ones bulleted under their branch or iteration. */
function pathLines(nodes: PathNode[], report: ExecutionReport, depth = 0): string[] {
  const indent = " ".repeat(5 + depth * 7);
  return nodes.flatMap((node, i) => {
    const { state, type } = node.step;
    const wait = type === "Wait" ? report.waits.find((w) => w.state === state) : undefined;
    const retries = report.retries.filter((r) => r.state === state).length;
    const details = [
      type === "Map" ? `${node.groups.size} iteration${node.groups.size === 1 ? "" : "s"}` : undefined,
      wait ? `${wait.defined}, waited ${duration(wait.waitedSeconds)}` : node.step.seconds ? duration(node.step.seconds) : undefined,
      retries > 0 ? `retried ${retries}×` : undefined,
    ].filter(Boolean);
    const head = `${indent}${depth === 0 ? `${i + 1}. ` : "- "}${state}  [${type}${details.length ? `: ${details.join("; ")}` : ""}]`;
    const groups = [...node.groups.entries()].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
    return [head, ...groups.flatMap(([label, children]) => [`${indent}     ${label}:`, ...pathLines(children, report, depth + 1)])];
  });
}

function shownMessage(notification: CapturedNotification): string {
  let message = notification.message;
  if (notification.taskToken) message = message.split(notification.taskToken).join(`${notification.taskToken.slice(0, 12)}…`);
  return cut(message);
}

/**
 * Renders one execution report.
 * @param report the report.
 * @returns lines, without trailing newlines.
 */
export function formatReport(report: ExecutionReport): string[] {
  const lines = ["   path:", ...pathLines(pathTree(report.path), report)];
  if (report.retries.length > 0) {
    lines.push("   retries:");
    for (const r of report.retries) {
      lines.push(`     ${r.state} retry ${r.attempt}/${r.maxAttempts} after ${r.error} (matched ${r.errorEquals.join(", ")}; interval ${seconds(r.definedIntervalMs)}, waited ${duration(r.waitedMs / 1000)})`);
    }
  }
  for (const c of report.caught) lines.push(`   caught: ${c.state} ${c.error} (matched ${c.errorEquals.join(", ")}) → ${c.next}`);
  if (report.notifications.length > 0) {
    lines.push("   notifications (captured, not delivered):");
    for (const n of report.notifications) {
      lines.push(`     ${n.state} → ${n.topicArn}${n.subject ? ` "${n.subject}"` : ""}`, `         ${shownMessage(n)}`);
    }
  }
  for (const t of report.taskTokens) {
    lines.push(
      t.outcome === "success"
        ? `   task token: ${t.state} ← SendTaskSuccess ${cut(JSON.stringify(t.output))}`
        : `   task token: ${t.state} ← SendTaskFailure ${t.error}: ${JSON.stringify(t.cause)}`,
    );
  }
  for (const child of report.children) {
    const [assumed] = child.assumedRoles;
    lines.push(`   started: ${child.executionArn}${assumed ? ` (${assumed.state}, as ${assumed.roleArn})` : ""}`);
    for (const check of assumed?.checks ?? []) lines.push(`     ${check}`);
    lines.push(...formatReport(child).map((line) => `     ${line}`));
  }
  if (report.backups.length > 0) {
    lines.push(`   backups (local stand-in for CreateBackup): ${report.backups.length}`);
    for (const b of report.backups) lines.push(`     ${b.backupArn}`);
  }
  const allowed = report.authorizations.filter((d) => d.allowed);
  const denied = report.authorizations.filter((d) => !d.allowed);
  if (report.authorizations.length > 0) {
    const principals = new Set(allowed.map((d) => d.call.principal));
    lines.push(`   authorized: ${allowed.length} call${allowed.length === 1 ? "" : "s"} by ${principals.size} principal${principals.size === 1 ? "" : "s"} (${[...new Set(allowed.map((d) => d.call.action))].sort().join(", ")})`);
  }
  for (const d of denied) lines.push(`   denied: ${cut(d.message ?? d.call.action)}`);
  lines.push(`   status: ${report.status} (${duration((report.stopDate.getTime() - report.startDate.getTime()) / 1000)} on the execution's clock, ${report.durationMs} ms here)`);
  if (report.status === "SUCCEEDED") {
    lines.push(`   output: ${cut(JSON.stringify(report.output))}`);
  } else {
    lines.push(`   error: ${report.error ?? "(none)"}`, `   cause: ${report.cause === undefined ? "(none)" : cut(report.cause)}`);
  }
  return lines;
}

/**
 * Renders one scenario's result: a heading, the execution report, and the verdict.
 * @param result the scenario's result.
 * @returns lines, without trailing newlines.
 */
export function formatScenarioResult(result: ScenarioResult): string[] {
  const { scenario, report } = result;
  const lines = [`■ ${scenario.name} · ${scenario.workflow}`, `   ${scenario.description}`];
  if (result.startedBy) lines.push(`   started by ${result.startedBy}`);
  if (report) lines.push(...formatReport(report));
  if (result.passed) {
    lines.push(`   ✔ as expected (${scenario.expect.status}${scenario.expect.error ? ` ${scenario.expect.error}` : ""})`);
  } else {
    lines.push("   ✘ differs from the expectation:", ...result.mismatches.map((m) => `     - ${m}`));
  }
  return lines;
}

/**
 * The summary line: `N passed, M failed`.
 * @param results every scenario's result.
 */
export function formatSummary(results: readonly ScenarioResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}
