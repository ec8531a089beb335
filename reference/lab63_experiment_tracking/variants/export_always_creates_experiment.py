"""export_to_mlflow always creates the experiment (fails when it exists already)."""

_export_reusing = export_to_mlflow


def export_to_mlflow(db_path, tracking_uri, experiment_name):
    import mlflow

    mlflow.MlflowClient(tracking_uri).create_experiment(experiment_name)
    return _export_reusing(db_path, tracking_uri, experiment_name)
