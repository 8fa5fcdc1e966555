"""Not a test: which of NumPy's vector units to turn off for a second pass of the suite.

    NPY_DISABLE_CPU_FEATURES="$(python tests/simd_levels.py)" python -m pytest

NumPy picks, at import, the best code its processor runs for tanh, exp and the rest, and their
last bits differ from one vector unit to another (AVX-512, AVX2, SSE, NEON). The suite pins only
what is the same at every level; running it again one level down is how that is checked on one
machine. This prints the features that take NumPy one level down from this processor's best:
AVX-512's group where the processor has it, else AVX2's, else nothing (an ARM processor: NEON is
NumPy's baseline there). Of the names of NumPy 2.4 and newer (X86_V4, X86_V3) and the older ones
(AVX512F, AVX2, FMA3), those this NumPy dispatches to are printed: it refuses the others.
"""

import sys



def features():
    """{feature: True if this processor has it and NumPy may use it}."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_features__
    return __cpu_features__


AVX512 = ("AVX512_SPR AVX512_ICL AVX512_CNL AVX512_CLX AVX512_SKX AVX512_KNM AVX512_KNL "
          "AVX512CD AVX512F X86_V4").split()
AVX2 = "AVX2 FMA3 X86_V3".split()


def dispatched():
    """The features this NumPy has code for: the only ones it lets be turned off (naming
    another is an error, or a warning that pytest turns into one)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__
    return set(__cpu_dispatch__)


def one_level_down(found, names=None):
    names = dispatched() if names is None else names
    group = AVX512 if found.get("AVX512F") else AVX2 if found.get("AVX2") else []
    return " ".join(name for name in group if name in names)


def summary():
    """The vector units NumPy uses now, for the suite's header: 'X86_V4 AVX512_ICL'."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__
        from numpy._core._multiarray_umath import __cpu_baseline__
    except ImportError:  # NumPy 1.x
        from numpy.core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__
    found = features()
    used = [name for name in __cpu_dispatch__ if found.get(name)]
    return " ".join(list(__cpu_baseline__)[-1:] + used) or "baseline only"


if __name__ == "__main__":
    print(one_level_down(features()))
    sys.exit(0)
