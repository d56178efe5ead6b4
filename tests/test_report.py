"""compare's report.html: self-contained, complete, drawn where Chromium exists."""

import base64
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from skspiral.tools import report
from skspiral.tools.compare import run_compare

pytest.importorskip("matplotlib")

DATASETS = ["spiral", "iris"]
LABELS = ["sgd", "adam", "MLPClassifier(adam)", "MLPClassifier(lbfgs)"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COMMAND = "skspiral compare --datasets spiral,iris --budget 2 --seeds 2 --epochs 3"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.sources, self.links = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag in ("img", "script", "iframe", "source"):
            self.sources.append(attrs.get("src", ""))
        for key in ("href", "src"):
            if key in attrs:
                self.links.append(attrs[key])

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = run_compare(
        DATASETS,
        optimizers=["sgd", "adam"],
        sklearn=["adam", "lbfgs"],
        budget=2,
        seeds=2,
        epochs=3,
    )
    report.write_tables(result, out)
    pictures = report.write_pictures(result, out)
    path = report.write_report(result, out, command=COMMAND, pictures=pictures)
    return path, pictures


@pytest.fixture(scope="module")
def parsed(written):
    parser = _Collect()
    parser.feed(written[0].read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_the_report_parses_and_holds_every_picture_as_a_png_data_uri(written, parsed):
    _, pictures = written
    assert {p.name for p in pictures} == set(report.PICTURES)
    assert parsed.tags[0] == "html" and "table" in parsed.tags
    assert len(parsed.sources) == len(pictures)
    for source in parsed.sources:
        prefix = "data:image/png;base64,"
        assert source.startswith(prefix)
        assert base64.b64decode(source[len(prefix) :])[:8] == PNG_SIGNATURE


def test_the_report_names_every_dataset_and_contender_and_the_command(parsed):
    text = " ".join(parsed.text)
    for name in DATASETS + LABELS:
        assert name in text
    assert COMMAND in text
    for package in ("numpy", "scikit-learn", "skspiral"):
        assert package in text
    assert "How to read this" in text and "Welch" in text


def test_the_report_links_to_nothing_outside_itself(written, parsed):
    html = written[0].read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    assert all(link.startswith("data:") for link in parsed.links)
    assert "<script" not in html and "@import" not in html


def test_without_pictures_the_report_still_has_its_tables(tmp_path):
    result = run_compare(
        ["iris"], optimizers=["adam"], sklearn=[], budget=1, seeds=2, epochs=2
    )
    path = report.write_report(result, tmp_path, command="x", pictures=[])
    parser = _Collect()
    parser.feed(path.read_text(encoding="utf-8"))
    assert parser.sources == [] and "table" in parser.tags
    assert "pip install" in " ".join(parser.text)


def _chromium():
    for name in (
        "chromium",
        "chromium-headless-shell",
        "chromium-browser",
        "google-chrome",
    ):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(
    _chromium() is None,
    reason="no Chromium binary on PATH (chromium, chromium-headless-shell, "
    "google-chrome); the other report tests still check the HTML",
)
def test_chromium_renders_the_report_to_a_picture_that_is_not_blank(written, tmp_path):
    image = pytest.importorskip("PIL.Image")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1200,2400",
            f"--screenshot={shot}",
            written[0].as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    picture = image.open(shot).convert("L")
    low, high = picture.getextrema()
    assert high - low > 100  # text and figures, not one flat colour
    histogram = picture.histogram()
    assert max(histogram) < 0.98 * sum(histogram)
