"""Reading the news: the time to read a 10 MB text, and the corpus' precision and recall.

    .venv/bin/python benchmarks/news_extract.py            # both
    .venv/bin/python benchmarks/news_extract.py --size 10  # only the timing, N MB

The timing text repeats the seed's report paragraph and company sentences among filler
prose until it is N MB of UTF-8; the corpus is ``baton/news/corpus/*.json`` (each a
paragraph, its source URL and the expected reading), scored by ``baton.news.quality``.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PARAGRAPH = (
    "截至上月底,厦门翔安区上报并经市招商办审核入库招商项目119个,投资总额1126.106亿元。"
    "其中,策划项目8个,总投资118.15亿元;意向项目6个,总投资42.22亿元;在谈项目70个,"
    "总投资409.88亿元;落地项目35个,总投资555.85亿元。\n"
    "当天,翔安区与厦门天马微电子有限公司签约,总投资一百二十亿元。\n"
    "翔安干部群众怀揣着沉甸甸的责任感和使命感,投身招商引资的滚滚浪潮中,"
    "围绕“大招商、招大商、招好商”,进一步明确招商方向,突出招优引强。\n"
)


def timing(megabytes: int) -> None:
    from baton.news.extract import extract
    from baton.news.reading import read_bytes

    unit = PARAGRAPH.encode()
    data = unit * (megabytes * 1024 * 1024 // len(unit) + 1)
    started = time.perf_counter()
    text = read_bytes(data, "big.txt")
    reading = extract(text)
    seconds = time.perf_counter() - started
    print(
        f"{len(data) / 1024 / 1024:.1f} MB 文本：{seconds:.2f} 秒，"
        f"{len(reading.groups)} 组数字，{len(reading.companies)} 家企业（去重后）"
    )


def corpus() -> None:
    from baton.news.quality import CORPUS, score_corpus

    for title, directory in (("语料", CORPUS), ("后加的语料（heldout/）", CORPUS / "heldout")):
        print(f"— {title}")
        for line in score_corpus(directory).lines():
            print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help="只测读取 N MB 文本的时间")
    args = parser.parse_args()
    import django

    django.setup()
    if args.size:
        timing(args.size)
        return
    timing(10)
    corpus()


if __name__ == "__main__":
    main()
