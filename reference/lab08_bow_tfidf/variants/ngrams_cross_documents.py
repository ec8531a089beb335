"""The corpus is tokenised as one stream, so the n-grams of a document run on
into the next one: the last word of a document and the first word of the next
form a bigram (counted in the first document). analyze itself is right; the
vocabulary, the count matrix and the vectorizer use the joined stream."""


def _analyze_stream(documents, *, lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, 1), stop_words=None):
    min_n, max_n = _check_ngram_range(ngram_range)
    tokens, owner = [], []
    for i, document in enumerate(documents):
        doc_tokens = analyze(document, lowercase=lowercase, token_pattern=token_pattern, stop_words=stop_words)
        tokens.extend(doc_tokens)
        owner.extend([i] * len(doc_tokens))
    terms = [[] for _ in documents]
    for n in range(min_n, max_n + 1):
        for start in range(len(tokens) - n + 1):
            terms[owner[start]].append(" ".join(tokens[start : start + n]))
    return terms


def build_vocabulary(documents, *, lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, 1), stop_words=None,
                     min_df=1, max_df=1.0, max_features=None):
    _check_documents(documents)
    terms = _analyze_stream(documents, lowercase=lowercase, token_pattern=token_pattern, ngram_range=ngram_range, stop_words=stop_words)
    return _vocabulary_of(terms, min_df=min_df, max_df=max_df, max_features=max_features)


def count_matrix(documents, vocabulary, *, lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, 1), stop_words=None):
    _check_documents(documents)
    terms = _analyze_stream(documents, lowercase=lowercase, token_pattern=token_pattern, ngram_range=ngram_range, stop_words=stop_words)
    return _counts_of(terms, vocabulary)


TfidfVectorizer._analyze_all = lambda self, documents: _analyze_stream(list(documents), **self.analysis)
