"""export_to_mlflow logs only each metric's latest value (one point at step 0), not its history."""


def export_to_mlflow(db_path, tracking_uri, experiment_name):
    import mlflow

    client = mlflow.MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name(experiment_name)
    experiment_id = (experiment.experiment_id if experiment is not None
                     else client.create_experiment(experiment_name))
    out = {}
    for run_id in list_runs(db_path):
        run = get_run(db_path, run_id)
        ml_id = client.create_run(experiment_id, run_name=run["name"], tags={"tracker_run_id": run_id}).info.run_id
        for k, v in run["params"].items():
            client.log_param(ml_id, k, v)
        for k, v in run["metrics"].items():
            client.log_metric(ml_id, k, v, step=0)
        client.set_terminated(ml_id)
        out[run_id] = ml_id
    return out
