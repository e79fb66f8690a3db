"""The dataset-aggregate Glue job (Python shell): aggregates records {<group_by>: key, value: number} per key.

Its TypeScript twin, jobs/dataset-aggregate/index.ts, is what local runs execute; both take the same arguments
and give the same result (tests/local/glue-script.test.ts runs both).

Arguments: --dataset_bucket, --dataset_key, --output_key (read the JSON array of records from S3, write the
aggregate as JSON), --group_by (default "key").
See https://docs.aws.amazon.com/glue/latest/dg/add-job-python.html
"""
import json
import math
import sys


def compact(value):
    """JSON as JavaScript's JSON.stringify writes it (no spaces), for messages the twin words the same."""
    return json.dumps(value, separators=(",", ":"))


def aggregate(records, field):
    """Returns {"records": n, "groups": {key: {"count", "sum"}}}; raises ValueError naming a bad record."""
    if not isinstance(records, list):
        raise ValueError("the dataset must be a JSON array of records. Received: %s" % compact(records)[:200])
    groups = {}
    for index, record in enumerate(records):
        value = record.get("value") if isinstance(record, dict) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError("record %d has no numeric value: %s" % (index, compact(record)[:200]))
        key = record.get(field)
        # The group's name as JavaScript's String() gives it: a missing field is "undefined", null is "null".
        name = "undefined" if field not in record else ("null" if key is None else (key if isinstance(key, str) else compact(key)))
        group = groups.setdefault(name, {"count": 0, "sum": 0})
        group["count"] += 1
        group["sum"] += value
    return {"records": len(records), "groups": groups}


def main():
    import boto3  # provided by Glue's Python shell runtime
    from awsglue.utils import getResolvedOptions

    # Glue passes a Python shell job its run's arguments, and not always --JOB_NAME: ask only for those present.
    optional = [name for name in ("JOB_NAME", "group_by") if "--" + name in sys.argv]
    args = getResolvedOptions(sys.argv, ["dataset_bucket", "dataset_key", "output_key"] + optional)
    s3 = boto3.client("s3")
    body = s3.get_object(Bucket=args["dataset_bucket"], Key=args["dataset_key"])["Body"].read()
    result = dict(job=args.get("JOB_NAME", "dataset-aggregate"), **aggregate(json.loads(body), args.get("group_by", "key")))
    s3.put_object(Bucket=args["dataset_bucket"], Key=args["output_key"], Body=json.dumps(result), ContentType="application/json")


if __name__ == "__main__":
    main()
