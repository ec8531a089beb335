"""compare_models gives each model its own seed (seed + i), so the models see different data orders and initialisations."""


def compare_models(specs, train_x, train_y, test_x, test_y, *, vocab_size, num_classes, max_steps, batch_size, lr, seed=0):
    rows = []
    for i, (label, (name, config)) in enumerate(specs.items()):
        model = build_model(name, vocab_size, num_classes, config, seed=seed + i)
        result = train_model(model, train_x, train_y, max_steps=max_steps, batch_size=batch_size, lr=lr, seed=seed + i)
        predictions = predict(model, test_x)
        rows.append(
            {
                "label": label,
                "name": name,
                "parameters": count_parameters(model),
                "train_time_s": result["train_time_s"],
                "accuracy": accuracy(predictions, test_y),
                "correct": (predictions == test_y).tolist(),
            }
        )
    rows.sort(key=lambda row: (-row["accuracy"], row["parameters"], row["label"]))
    return rows
