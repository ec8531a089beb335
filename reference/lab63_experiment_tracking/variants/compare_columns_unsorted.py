"""compare_runs lists the param and metric columns in order of first appearance, not sorted."""


def compare_runs(db_path, run_ids):
    runs = [get_run(db_path, r) for r in run_ids]
    params = list(dict.fromkeys(k for run in runs for k in run["params"]))
    metrics = list(dict.fromkeys(k for run in runs for k in run["metrics"]))
    columns = ["run_id", "name"] + [f"params.{k}" for k in params] + [f"metrics.{k}" for k in metrics]
    rows = [[run["run_id"], run["name"]] + [run["params"].get(k) for k in params]
            + [run["metrics"].get(k) for k in metrics] for run in runs]
    return {"columns": columns, "rows": rows}
