"""Word lists for concept extraction (no tagger: these stand in for POS tags).

A concept must be a noun phrase: no stopwords, no speech fillers, no verbs
(common verbs with their inflections are listed), no adverbs in -ly.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_EXTRA_STOP = """
a an the and or but if then than so as of at by for with about against between into through
during before after above below to from up down in out on off over under again further once
here there when where why how all any both each few more most other some such no nor not only
own same too very can will just don should now i me my myself we our ours you your he him his
she her it its they them their what which who whom this that these those am is are was were be
been being have has had having do does did doing would could ought i'm you're he's she's it's
we're they're i've you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll
she'll we'll they'll isn't aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't
won't wouldn't shan't shouldn't can't cannot couldn't mustn't let's that's who's what's here's
there's when's where's why's how's one two three four five six seven eight nine ten first
second third also many much lot lots every another whatever whichever whoever anything
everything something nothing someone everyone anyone nobody somebody everybody versus
hundred hundreds thousand thousands million millions billion trillion dozen eleven twelve
thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty
sixty seventy eighty ninety
"""

# Speech fillers and discourse words that dominate transcripts.
_FILLERS = """
okay ok yeah yes yep uh um uhm hmm oh ah huh right well alright so like basically actually
really kind thing things stuff way ways lot bit gonna wanna gotta guys guy hey hello
sure fine nice important interesting hard easy able going today tomorrow yesterday now
day days week weeks year years example examples idea ideas fact kind kinds sense
reason reasons place people person stuff mit ocw lecture lectures video slide slides board
audience speaker transcript laughter applause inaudible music crosstalk exciting excited fun
anymore squared
"""

# Nouns that are speech fillers before "of" only ("sort of", but "merge sort").
HEDGES_BEFORE_OF = frozenset({"sort", "sorts"})

# Adjectives and ordinals: they start terms ("simple harmonic motion", "second law",
# "normal force") but are never a concept alone or a term's last word.
_MODIFIERS = """
simple normal regular small big large high low higher lower first second third last next new
old free general special linear constant total net average final initial basic natural real
whole short long positive negative good bad great little different certain open closed half
top bottom upper inner outer central main same opposite actual afraid entire common usual
late early fortunate lucky happy independent dependent intermediate universal uniform
circular horizontal vertical static kinetic elastic inelastic rotational angular quadratic
"""

# Generic nouns: meaningful inside a term ("boiling point", "special case", "time
# constant") but not a concept alone.
_GENERIC = """
time times minute minutes second seconds case cases point points part parts side sides end ends
term terms problem problems question questions answer answers number numbers group level levels
step steps thing value values type types form forms kind way order night morning
evening afternoon weekend moment moments
meter meters centimeter centimeters millimeter millimeters kilometer kilometers kilogram
kilograms gram grams joule joules watt watts radian radians degree degrees percent
"""

# Formulas read aloud ("F equals m a", "delta t", "v naught sine theta", "x hat").
# Operators are never part of a term; Greek letters and function names may start one
# ("dot product", "beta decay") but a term cannot end in one or be made of them only.
_SPOKEN_OPERATORS = """
plus minus over equals squared cubed naught nought sqrt
"""
_SPOKEN_SYMBOLS = """
alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho
sigma tau upsilon phi chi psi omega sine cosine sin cos tan cot sec log ln exp hat dot sub
vec
"""
# Word pairs that are formula readings ("the square root of k over m").
_SPOKEN_MATH_PAIRS = frozenset({("square", "root"), ("cube", "root")})

# Common verbs; inflections are generated below (irregular forms listed).
_VERBS = """
be have do say get make go know think take see come want look use find give tell work call try
ask need feel become leave put mean keep let begin seem help talk turn start show hear play run
move like live believe hold bring happen write provide sit stand lose pay meet include continue
set learn change lead understand watch follow stop create speak read allow add spend grow open
walk win offer remember love consider appear buy wait serve die send expect build stay fall cut
reach kill remain suggest raise pass sell require report decide pull equal equals plug compute
calculate solve multiply divide subtract integrate differentiate apply assume suppose imagine
notice guess check figure note define derive prove write draw plot pick choose put
teach prepare practice discuss explain describe introduce encourage focus realize improve
graduate incorporate assess enjoy share speak adapt memorize pronounce correct
recognize recall repeat remind review act conserve carry depend fit fix form travel
stick appear produce hold lose grow cross push pull throw hit aim measure release
"""
_IRREGULAR = """
was were been being had did done said got gotten made went gone knew known thought took taken
saw seen came wanted gave given told found felt left meant kept began begun brought held wrote
written sat stood lost paid met led understood heard ran fell cut read spent grew grown won
bought sent built chose chosen drew drawn taught
"""


def _inflect(verb: str) -> set[str]:
    forms = {verb, verb + "s", verb + "ed", verb + "ing", verb + "es"}
    if verb.endswith("e"):
        forms |= {verb + "d", verb[:-1] + "ing"}
    if verb.endswith("y"):
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", verb):  # stop -> stopped, plan -> planning
        forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return forms


@cache
def english_stopwords() -> frozenset[str]:
    words = set(_EXTRA_STOP.split())
    # YAKE's English list (574 words), when yake is installed (its folder moved in 0.6).
    for parts in (("core", "StopwordsList"), ("StopwordsList",)):
        try:
            path = resources.files("yake").joinpath(*parts, "stopwords_en.txt")
            text = path.read_text(encoding="utf-8")
        except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, OSError):
            continue
        words |= {w.strip() for w in text.splitlines() if w.strip()}
        break
    return frozenset(words)


# -ing nouns that are real concept heads ("machine learning", "language teaching").
_ING_NOUNS = frozenset(
    {"learning", "teaching", "programming", "computing", "reading", "writing", "speaking"}
)


@cache
def _verb_forms() -> tuple[frozenset[str], frozenset[str]]:
    """(finite forms, participles) of the listed verbs."""
    finite: set[str] = set(_IRREGULAR.split())
    participles: set[str] = set()
    for verb in _VERBS.split():
        for form in _inflect(verb):
            (participles if form.endswith(("ing", "ed")) and form != verb else finite).add(form)
    return frozenset(finite), frozenset(participles)


@cache
def english_modifiers() -> frozenset[str]:
    # Participles start terms too ("standing wave", "fixed point", "forced oscillation"),
    # unless they are stopwords or fillers ("going", "used").
    participles = _verb_forms()[1] - english_stopwords() - set(_FILLERS.split()) - _ING_NOUNS
    return frozenset(_MODIFIERS.split()) | participles


@cache
def english_generic() -> frozenset[str]:
    return frozenset(_GENERIC.split()) - english_modifiers()


@cache
def spoken_symbols() -> frozenset[str]:
    return frozenset(_SPOKEN_SYMBOLS.split())


def spoken_math_pairs() -> frozenset[tuple[str, str]]:
    return _SPOKEN_MATH_PAIRS


@cache
def english_rejects() -> frozenset[str]:
    """Words that cannot be part of a concept: stopwords, fillers, verbs."""
    finite, participles = _verb_forms()
    words = english_stopwords() | set(_FILLERS.split()) | finite | participles
    words |= set(_SPOKEN_OPERATORS.split())
    words -= _ING_NOUNS
    # Modifiers, generic nouns and spoken symbols have their own, narrower, rules.
    return frozenset(words - english_modifiers() - english_generic() - spoken_symbols())


CHINESE_STOPWORDS = frozenset(
    """
这个 那个 这些 那些 他们 我们 你们 她们 它们 一个 一些 然后 就是 所以 因为 但是 可是 而且
如果 虽然 还是 或者 时候 觉得 能够 可以 可能 应该 需要 知道 什么 怎么 为什么 这样 那样 这么
那么 已经 现在 开始 非常 比较 真的 其实 当然 还有 没有 不是 一样 一下 一点 有点 的话 之后
以前 以后 自己 大家 东西 事情 问题 地方 方面 部分 好像 比如 例如 所谓 主要 特别 叫做 这种
那种 这里 那里 哪里 每个 很多 有些 出来 起来 进去 过来 告诉 看到 说话 的时候 就要 一直 已 也
都 就 还 又 再 很 太 更 最 吧 呢 啊 嗯 哦 呀 嘛 喔 哈 那 这 我 你 他 她 它 的 了 是 在 有 和
与 及 对 把 被 让 给 从 向 到 为 以 于 而 或 并 但 却 只 才 会 能 要 想 说 去 来 上 下 中 里
好 多 少 大 小 个 些 种 次 样 空白 音频 然后呢 所以呢 那么呢 我觉得 一下子 一直到
""".split()  # noqa: SIM905 (a word list reads better as text)
)
