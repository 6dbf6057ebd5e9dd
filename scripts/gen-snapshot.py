#!/usr/bin/env python3
"""Generates a synthetic AML export snapshot, for benchmarks and load tests.

usage: gen-snapshot.py [--members N] [--per-member K] [--seed S] OUT.tar.gz

Writes a tar.gz of N JSON members, each an ARM list page of K objects:
datastores, data versions, jobs (command and pipeline) and model versions
of one workspace, linked the way real exports are (jobs read data assets,
models name the jobs that made them). Deterministic for a given seed.
Standard library only.
"""
import argparse
import gzip
import io
import json
import random
import tarfile

WS = ("/subscriptions/6a1e9c55-0d2f-4b7a-8c3e-1f5d7b9a2c4e/resourceGroups/rg-bench"
      "/providers/Microsoft.MachineLearningServices/workspaces/ws-bench")
T = "Microsoft.MachineLearningServices/workspaces"


def sysdata(rng):
    day = rng.randint(1, 28)
    return {"createdAt": "2026-11-%02dT%02d:%02d:00.1234567+00:00" % (day, rng.randint(0, 23), rng.randint(0, 59)),
            "createdBy": "bench", "createdByType": "User"}


def data_version(i, rng):
    return {"id": "%s/data/d%d/versions/1" % (WS, i), "name": "1", "type": T + "/data/versions",
            "properties": {"dataType": "uri_folder", "dataUri": "azureml://datastores/lake/paths/d%d/" % i,
                           "description": "data set %d" % i, "tags": {"team": "t%d" % (i % 7)}},
            "systemData": sysdata(rng)}


def job(i, rng):
    inputs = {"in%d" % k: {"jobInputType": "uri_folder", "uri": "azureml:d%d:1" % rng.randint(0, i + 1),
                           "mode": "ReadOnlyMount"} for k in range(2)}
    inputs["lr"] = {"jobInputType": "literal", "value": "0.01"}
    return {"id": "%s/jobs/j%d" % (WS, i), "name": "j%d" % i, "type": T + "/jobs",
            "properties": {"jobType": "Command", "status": "Completed", "experimentName": "bench",
                           "computeId": WS + "/computes/cpu", "environmentId": "azureml:env:1",
                           "command": "python train.py " + "x" * rng.randint(10, 200),
                           "inputs": inputs,
                           "outputs": {"model": {"jobOutputType": "mlflow_model",
                                                 "uri": "azureml://datastores/workspaceblobstore/paths/j%d/model/" % i}},
                           "properties": {"StartTimeUtc": "2026-11-02 10:00:00"}},
            "systemData": sysdata(rng)}


def model(i, rng):
    return {"id": "%s/models/m%d/versions/1" % (WS, i), "name": "1", "type": T + "/models/versions",
            "properties": {"modelType": "mlflow_model", "jobName": "j%d" % i,
                           "modelUri": "azureml://jobs/j%d/outputs/model" % i},
            "systemData": sysdata(rng)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=1000)
    ap.add_argument("--per-member", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    makers = [data_version, job, model]
    head = [{"id": WS, "name": "ws-bench", "type": T, "location": "westeurope", "properties": {}},
            {"id": WS + "/datastores/lake", "name": "lake", "type": T + "/datastores",
             "properties": {"datastoreType": "AzureDataLakeGen2", "accountName": "benchlake", "filesystem": "fs"}},
            {"id": WS + "/datastores/workspaceblobstore", "name": "workspaceblobstore", "type": T + "/datastores",
             "properties": {"datastoreType": "AzureBlob", "accountName": "benchblob", "containerName": "azureml"}}]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        body = json.dumps({"value": head, "nextLink": None}, indent=1).encode()
        info = tarfile.TarInfo("export/workspace.json")
        info.size, info.mtime = len(body), 0
        t.addfile(info, io.BytesIO(body))
        n = 0
        for m in range(a.members):
            objs = []
            for _ in range(a.per_member):
                objs.append(makers[n % 3](n // 3, rng))
                n += 1
            body = json.dumps({"value": objs, "nextLink": None}, indent=1).encode()
            info = tarfile.TarInfo("export/page-%06d.json" % m)
            info.size, info.mtime = len(body), 0
            t.addfile(info, io.BytesIO(body))
    with open(a.out, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
            g.write(raw.getvalue())


if __name__ == "__main__":
    main()
