"""Keys of the quiz questions drawn per student: one function per question,
called with the values the student was given (keyword arguments), returning
the answer in the question's unit. Never shipped."""

import math


def type_token_ratio(tokens: int, types: int) -> float:
    return types / tokens


def jaccard(a: int, b: int, shared: int) -> float:
    return shared / (a + b - shared)


# ---- week 3 ----


def week03_bpe_first_merge(hug: int, pug: int, pun: int, bun: int, hugs: int) -> int:
    pairs = {"hu": hug + hugs, "ug": hug + pug + hugs, "gs": hugs, "pu": pug + pun, "un": pun + bun, "bu": bun}
    return max(pairs.values())


def week03_bpe_merges(special: int, vocab: int) -> int:
    return vocab - 256 - special


# ---- week 4 ----


def week04_tfidf(tf: int, n_docs: int, df: int) -> float:
    return tf * math.log(n_docs / df)


def week04_bigram_laplace(c_the: int, c_bigram: int, vocab: int) -> float:
    return (c_bigram + 1) / (c_the + vocab)


# ---- week 5 ----


def week05_sgns_params(vocab: int, dim: int) -> float:
    return 2 * vocab * dim / 1e6


def week05_cosine(u1: int, u2: int, v1: int, v2: int) -> float:
    u, v = (u1, u2, 1), (v1, v2, 2)
    dot = sum(a * b for a, b in zip(u, v))
    return dot / math.sqrt(sum(a * a for a in u) * sum(b * b for b in v))


# ---- week 6 ----


def week06_perplexity(loss: float) -> float:
    return math.exp(loss)


def week06_mlm_masks(n_tokens: int) -> float:
    return n_tokens * 0.15 * 0.8


# ---- week 7 ----


def week07_mha_params(d_model: int, heads: int) -> int:
    return 4 * d_model * d_model + 4 * d_model


def week07_attention_weight(s1: int, s2: int, dk: int) -> float:
    scaled = [s / math.sqrt(dk) for s in (s1, s2, 0)]
    top = max(scaled)
    exps = [math.exp(s - top) for s in scaled]
    return exps[0] / sum(exps)


# ---- week 8 ----


def week08_window_scores(window_minus_one: int, seq: int) -> int:
    w = window_minus_one + 1
    return sum(min(i, w) for i in range(1, seq + 1))


def week08_rmsnorm_value(x1: int, x2: int, x3: int, x4: int) -> float:
    xs = (x1, x2, x3, x4)
    return x1 / math.sqrt(sum(x * x for x in xs) / len(xs))


# ---- week 9 ----


def week09_gpt_params(layers: int, d_model: int) -> float:
    d = d_model
    return (layers * (12 * d * d + 13 * d) + 50257 * d + 1024 * d + 2 * d) / 1e6


def week09_bert_embeddings(vocab: int, hidden: int) -> int:
    return (vocab + 512 + 2) * hidden + 2 * hidden


# ---- week 10 ----


def week10_gqa_cache(layers: int, heads: int, kv_heads: int, batch: int) -> float:
    return 2 * layers * kv_heads * 128 * 4096 * batch * 2 / 1e9


def week10_moe_active(layers: int, experts: int, expert_m: int, top_k: int, shared_b: float) -> float:
    return shared_b + layers * top_k * expert_m / 1000


# ---- week 11 ----


def week11_init_loss(vocab: int) -> float:
    return math.log(vocab)


def week11_windows(n_tokens: int, context: int, stride: int) -> int:
    return (n_tokens - (context + 1)) // stride + 1


# ---- week 12 ----


def week12_ppl_from_sum(n_tokens: int, nll_sum: int) -> float:
    return math.exp(nll_sum / n_tokens)


def week12_bits_per_byte(n_bytes: int, n_tokens: int, loss: float) -> float:
    return loss * n_tokens / (n_bytes * math.log(2))


# ---- week 13 ----


def week13_train_hours(params_b: float, tokens_b: float, gpus: int, mfu: int) -> float:
    return 6 * params_b * 1e9 * tokens_b * 1e9 / (gpus * 989e12 * mfu / 100) / 3600


def week13_forward_flops(params_b: float, tokens: int) -> float:
    return 2 * params_b * 1e9 * tokens / 1e12


# ---- week 14 ----


def week14_f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn)


# ---- week 15 ----


def week15_class_weight(n_pos: int, n_neg: int) -> float:
    return (n_pos + n_neg) / (2 * n_pos)


def week15_mcnemar(b: int, c: int) -> float:
    return (b - c) ** 2 / (b + c)


# ---- week 16 ----


def week16_trained_tokens(system: int, user1: int, assistant1: int, user2: int, assistant2: int) -> int:
    return assistant1 + assistant2


def week16_win_rate(n: int, wins: int, losses: int) -> float:
    ties = n - wins - losses
    return 100 * (wins + ties / 2) / n


# ---- week 17 ----


def week17_lora_params(rank: int, d_model: int, layers: int) -> int:
    return layers * 2 * rank * (d_model + d_model)


def week17_adam_state(params_b: float) -> float:
    return 8 * params_b


# ---- week 18 ----


def week18_dpo_loss(d_chosen: float, d_rejected: float, beta: float) -> float:
    z = beta * (d_chosen - d_rejected)
    return math.log1p(math.exp(-z))


def week18_adapter_params(layers: int, d_model: int, bottleneck: int) -> int:
    return layers * 2 * (2 * d_model * bottleneck + bottleneck + d_model)


# ---- week 19 ----


def week19_warmup_cosine(peak_e4: int, warmup: int, total: int, step: int) -> float:
    if step < warmup:
        return peak_e4 * step / warmup
    return peak_e4 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup)))


def week19_kaiming_std(fan_in: int, fan_out: int) -> float:
    return math.sqrt(2 / fan_in)


# ---- week 20 ----


def week20_clip_coef(g1: int, g2: int, max_norm: float) -> float:
    return min(1.0, max_norm / math.sqrt(g1 * g1 + g2 * g2))


def week20_mp_memory(params_b: float) -> float:
    return 16 * params_b


# ---- week 21 ----


def week21_zero1_memory(gpus: int, params_b: float) -> float:
    return (2 + 2 + 12 / gpus) * params_b


def week21_ring_allreduce(buffer_gb: float, gpus: int) -> float:
    return 2 * (gpus - 1) / gpus * buffer_gb


# ---- week 22 ----


def week22_intensity(tokens: int, d: int) -> float:
    return 2 * tokens * d * d / (2 * (tokens * d + d * d + tokens * d))


def week22_decode_floor(params_b: float, bytes_per_param: int, bandwidth: float) -> float:
    return params_b * 1e9 * bytes_per_param / (bandwidth * 1e12) * 1000


# ---- week 23 ----


def week23_kv_cache(layers: int, d_model: int, batch: int, seq: int) -> float:
    return 2 * layers * d_model * seq * batch * 2 / 1e9


def week23_int8_code(max_abs: float, w: float) -> int:
    return round(w / (max_abs / 127))


# ---- week 24 ----


def week24_speculative(gamma: int, alpha: float) -> float:
    return (1 - alpha ** (gamma + 1)) / (1 - alpha)


def week24_soft_targets(z1: int, z2: int, temp: int) -> float:
    scaled = [z / temp for z in (z1, z2, 0)]
    top = max(scaled)
    exps = [math.exp(s - top) for s in scaled]
    return exps[0] / sum(exps)


# ---- week 25 ----


def week25_littles_law(rate: int, latency: float) -> float:
    return rate * latency


def week25_cold_start(load_s: int, infer_ms: int, cold_pct: int) -> float:
    return infer_ms + cold_pct / 100 * load_s * 1000


# ---- week 26 ----


def week26_psi(e1: float, e2: float, a1: float, a2: float) -> float:
    expected = (e1, e2, 1 - e1 - e2)
    actual = (a1, a2, 1 - a1 - a2)
    return sum((a - e) * math.log(a / e) for a, e in zip(actual, expected))


def week26_position_interpolation(trained: int, target: int, pos: int) -> float:
    return pos * trained / target


# ---- week 27 ----


def week27_luhn(payload: int) -> int:
    digits = [int(ch) for ch in str(payload)]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 0:  # the rightmost payload digit sits next to the check digit: doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def week27_detector_precision(attacks: int, benign: int, tp: int, fp: int) -> float:
    return tp / (tp + fp)


# ---- week 28 ----


def week28_pass_at_k(n: int, c: int, k: int) -> float:
    if n - c < k:
        return 1.0
    return 1 - math.comb(n - c, k) / math.comb(n, k)


def week28_rouge1(ref: int, sys: int, overlap: int) -> float:
    return 2 * overlap / (ref + sys)


# ---- week 29 ----


def week29_span_f1(gold: int, pred: int, exact: int) -> float:
    return 2 * exact / (gold + pred)


def week29_gibbs_topic(alpha: float, nd1: int, nd2: int, nw1: int, nw2: int, n1: int, n2: int) -> float:
    beta, vocab = 0.01, 1000
    p1 = (nd1 + alpha) * (nw1 + beta) / (n1 + vocab * beta)
    p2 = (nd2 + alpha) * (nw2 + beta) / (n2 + vocab * beta)
    return p1 / (p1 + p2)


# ---- week 30 ----


def week30_vit_tokens(h: int, w: int, patch: int) -> int:
    return (h // patch) * (w // patch)


def week30_ddpm_forward(x0: float, eps: float, abar: float) -> float:
    return math.sqrt(abar) * x0 + math.sqrt(1 - abar) * eps


# ---- week 31 ----


def week31_plan_success(steps: int, p: float) -> float:
    return p**steps


def week31_majority_vote(p: float) -> float:
    return p**3 + 3 * p**2 * (1 - p)


# ---- week 32 ----


def week32_ci_eval_compute(prompts: int, prompt_tokens: int, gen_tokens: int, params_b: float) -> float:
    return 2 * params_b * 1e9 * prompts * (prompt_tokens + gen_tokens) / 1e15


def week32_registry_storage(versions: int, params_b: float, adapter_m: int) -> float:
    return versions * (2 * params_b * 1e9 + 4 * adapter_m * 1e6) / 1e9


# ---- week 33 ----


def week33_compute_optimal(c: float) -> float:
    return math.sqrt(c * 1e22 / 120) / 1e9


def week33_api_cost(price_in: float, price_out: float, tokens_in: int, tokens_out: int, requests: int) -> float:
    return requests * (tokens_in * price_in + tokens_out * price_out) / 1e6
