/**
 * Lambda handler for the iot-ingest workflow's "Filter and aggregate readings" state. The state passes the batch
 * (`"Payload.$": "$"`: a gateway and its sensor packets, as the `sensor-packets` EventBridge rule shapes them) and
 * keeps the payload as `$.aggregate`; the workflow then stores one item per sensor in the `sensor-readings` table
 * (`dynamodb:updateItem`, in a Map), or fails with `NoValidReadings` when nothing survived the filter.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 */
import { NamedError, renderValue } from "./lib/errors";
import { isNonEmptyString, isRecord } from "./lib/guards";

/** Readings outside this range (degrees Celsius) are sensor faults, not weather. */
export const VALID_RANGE = { min: -40, max: 125 } as const;

/** One sensor's aggregate over the batch; numbers as strings, as DynamoDB's `N` type takes them. */
export interface SensorAggregate {
  sensorId: string;
  /** How many valid readings of this sensor the batch held. */
  count: string;
  min: string;
  max: string;
  /** The mean, rounded to two decimals. */
  avg: string;
  /** The latest valid reading and its time (ISO 8601). */
  lastValue: string;
  lastReadingAt: string;
}

/** What the handler returns: the batch's gateway, its per-sensor aggregates and what the filter kept and dropped. */
export interface BatchAggregate {
  gatewayId: string;
  sensors: SensorAggregate[];
  accepted: number;
  rejected: number;
}

/** Thrown, with ASL error name `InvalidSensorBatch`, when the batch has no gateway or no packet list at all. */
export class InvalidSensorBatch extends NamedError {
  /** @param message - What is wrong with the batch. */
  constructor(message: string) {
    super("InvalidSensorBatch", message);
  }
}

/** A packet that passes the filter: a sensor id, a finite reading in {@link VALID_RANGE} and a parseable time. */
function validReading(packet: unknown): { sensorId: string; value: number; at: string } | undefined {
  if (!isRecord(packet) || !isNonEmptyString(packet.sensorId) || typeof packet.value !== "number" || !Number.isFinite(packet.value)) return undefined;
  if (packet.value < VALID_RANGE.min || packet.value > VALID_RANGE.max) return undefined;
  if (typeof packet.timestamp !== "string" || Number.isNaN(Date.parse(packet.timestamp))) return undefined;
  return { sensorId: packet.sensorId.trim(), value: packet.value, at: new Date(packet.timestamp).toISOString() };
}

/** A number as DynamoDB's `N` string, at most two decimals. */
const n = (value: number): string => String(Math.round(value * 100) / 100);

/**
 * Lambda entry point: drops invalid packets and aggregates the rest per sensor, in order of first appearance.
 * @param event - `{gatewayId, packets: [{sensorId, value, timestamp}]}`.
 * @returns the aggregates, with `accepted` and `rejected` counts (`sensors` empty when every packet was invalid).
 * @throws {InvalidSensorBatch} For a batch without a gateway id or a `packets` list.
 */
export async function handler(event: unknown): Promise<BatchAggregate> {
  if (!isRecord(event) || !isNonEmptyString(event.gatewayId)) throw new InvalidSensorBatch(`gatewayId must be a non-empty string; got ${renderValue(isRecord(event) ? event.gatewayId : event)}`);
  if (!Array.isArray(event.packets)) throw new InvalidSensorBatch(`packets must be a list; got ${renderValue(event.packets)}`);
  const bySensor = new Map<string, { sensorId: string; value: number; at: string }[]>();
  let accepted = 0;
  for (const packet of event.packets) {
    const reading = validReading(packet);
    if (!reading) continue;
    accepted += 1;
    bySensor.set(reading.sensorId, [...(bySensor.get(reading.sensorId) ?? []), reading]);
  }
  const sensors = [...bySensor.values()].map((readings): SensorAggregate => {
    const values = readings.map((r) => r.value);
    const last = readings.reduce((a, b) => (b.at >= a.at ? b : a));
    return {
      sensorId: readings[0].sensorId,
      count: String(readings.length),
      min: n(Math.min(...values)),
      max: n(Math.max(...values)),
      avg: n(values.reduce((a, b) => a + b, 0) / values.length),
      lastValue: n(last.value),
      lastReadingAt: last.at,
    };
  });
  return { gatewayId: event.gatewayId.trim(), sensors, accepted, rejected: event.packets.length - accepted };
}
