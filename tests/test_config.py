"""Configuration: the production file loads; a malformed file is one clear line."""

import pytest

from conftest import ROOT
from pipelines.config import ConfigError, load_config


def test_production_config_lists_the_real_sources():
    config = load_config(ROOT / "veille.toml")
    assert config.topic.name == "SEC-Pa"
    kinds = {s.kind for s in config.sources}
    assert {"rss", "google_news", "bing_news"} <= kinds
    urls = {s.url for s in config.sources}
    assert "https://www.lemonde.fr/sante/rss_full.xml" in urls
    assert all(u.startswith("https://") for u in urls)
    assert len({s.name for s in config.sources}) == len(config.sources)


@pytest.mark.parametrize("body, message", [
    ("[topic\nname = 1", "TOML invalide"),
    ('[storage]\ndatabase = "x.db"\n', "topic: table obligatoire absente"),
    ('[topic]\nname = "X"\nlong_forms = ["a b"]\n', "topic.acronyms: clé obligatoire absente"),
    ('[topic]\nname = "X"\nacronyms = []\nlong_forms = ["a b"]\n', "topic.acronyms: la liste ne peut pas être vide"),
    ('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n[[sources]]\nname = "s"\nkind = "rss"\nurl = "ftp://x"\n',
     "sources[0] (s).url: URL http(s) attendue, pas 'ftp://x'"),
    ('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n[[sources]]\nname = "s"\nkind = "rss"\nurl = "https://x"\ncadence = "souvent"\n',
     "sources[0] (s).cadence: une valeur parmi"),
    ('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n[crawl]\ndownload_delay = "vite"\n',
     "crawl.download_delay: nombre attendu, pas 'vite'"),
    ('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n[[sources]]\nname = "s"\nkind = "rss"\nurl = "https://x"\n[[sources]]\nname = "s"\nkind = "rss"\nurl = "https://y"\n',
     "sources: nom en double 's'"),
])
def test_malformed_config_is_one_line_naming_file_and_key(tmp_path, body, message):
    path = tmp_path / "veille.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    text = str(error.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="fichier de configuration introuvable"):
        load_config(tmp_path / "absent.toml")


def test_topic_structures_are_name_and_city_and_a_bad_entry_names_its_key(tmp_path):
    head = '[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n'
    path = tmp_path / "veille.toml"
    path.write_text(head + 'structures = [{ name = "Centre A", ville = "Lyon" }]\n', encoding="utf-8")
    structure = load_config(path).topic.structures[0]
    assert (structure.name, structure.ville) == ("Centre A", "Lyon")
    path.write_text(head + 'structures = [{ name = "Centre A", ville = "Lyon" }, { name = "Centre B" }]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: topic.structures[1].ville: clé obligatoire absente"
    path.write_text(head + 'structures = [{ name = "Centre A", ville = " " }]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: topic.structures[0].ville: texte non vide attendu"
