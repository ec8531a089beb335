"""distill never puts the student in training mode."""

def distill(
    teacher: nn.Module,
    student: nn.Module,
    inputs: torch.Tensor,
    labels: torch.Tensor,
    steps: int = 300,
    batch_size: int = 64,
    lr: float = 1e-2,
    temperature: float = 2.0,
    alpha: float = 0.5,
    seed: int = 0,
) -> list[float]:
    if steps < 1 or batch_size < 1:
        raise ValueError("steps and batch_size must be >= 1")
    if len(inputs) != len(labels):
        raise ValueError("inputs and labels differ in length")
    teacher.eval()
    optimizer = torch.optim.Adam(student.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        idx = torch.randint(len(inputs), (batch_size,), generator=g)
        x, y = inputs[idx], labels[idx]
        with torch.no_grad():
            teacher_logits = teacher(x)
        loss = kd_loss(student(x), teacher_logits, y, temperature=temperature, alpha=alpha)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
