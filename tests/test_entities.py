"""Entity extraction and merging: names from links and prose, no junk, one entity per real thing."""
import random
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultgen import plugins
from vaultgen.extract.entities import LinkEntityExtractor, TextEntityExtractor
from vaultgen.extract.lexicon import lexicon
from vaultgen.links import extract as extract_links
from vaultgen.model import Candidate, Entity, Issue, Mention
from vaultgen.resolve import KEEP, merge_entities

JUNK = {"hey", "read", "thanks", "anyway", "today", "here", "this", "we", "i", "the", "dear", "keep", "update",
        "link", "original", "release notes", "paper", "blog post", "ai", "ml", "nlp", "gpu", "ceo", "monday",
        "june", "english", "canadian", "what's new", "why it matters", "we're thinking"}

CJK_TEXT = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def issue(body, source="a.md", newsletter="Weekly Bytes", **kw):
    return Issue(source=source, body=body, newsletter=newsletter, **kw)


def names_of(*issues):
    cands = []
    for i in issues:
        links = extract_links(i.body)
        for x in (LinkEntityExtractor(), TextEntityExtractor()):
            cands += list(x.extract(i, links))
    return {e.name: e for e in merge_entities(cands)}


def test_extractors_are_registered_through_the_plugin_hook():
    names = [x.name for x in plugins.extractors()]
    assert "links" in names and "text" in names


def test_link_anchors_name_things_and_generic_anchors_do_not():
    body = (
        "All four services are built on [Spleeter](https://github.com/deezer/spleeter), an open-source AI model "
        "by French music service [Deezer](https://www.deezer.com/). Read the [release notes](https://x.org/r), "
        "the [original](https://youtu.be/x) or [here](https://example.com) (see [WB #22](https://weeklybytes.com/22)).\n"
        "1. [Electricity Systems](https://blog.example.com/electricity-systems)\n"
    )
    found = names_of(issue(body, url="https://weeklybytes.com/23"))
    assert found["Spleeter"].kind == "model"
    assert found["Spleeter"].description.startswith("An open-source AI model")
    assert found["Deezer"].kind in ("organization", "product")   # "French music service Deezer"
    for junk in ("release notes", "original", "here", "WB #22", "WB", "Electricity Systems"):
        assert junk not in found


def test_a_lower_case_link_text_names_its_target_when_the_url_says_it_too():
    body = ("- [uv](https://github.com/astral-sh/uv/releases/tag/0.10.0) makes lockfiles the default.\n"
            "- [ty](https://docs.astral.sh/ty/) is out of beta.\n"
            "- [mise](https://mise.jdx.dev/) installs tools from lockfiles.\n"
            "- [ripgrep 15](https://github.com/BurntSushi/ripgrep/releases/tag/15.0.0) adds hyperlinks.\n"
            "- Their [nowcasting](https://openclimatefix.org/projects/nowcasting) work, a [youtube](https://youtube.com/"
            "watch?v=1) talk by [karpathy](https://twitter.com/karpathy), the [results](https://aiweirdness.com/results) "
            "and [court-cases-that-sound-weird](https://aiweirdness.com/court-cases-that-sound-weird).\n")
    found = names_of(issue(body))
    assert {"uv", "ty", "mise", "ripgrep"} <= set(found) and found["uv"].kind == "library"
    assert not {"nowcasting", "youtube", "karpathy", "results", "court-cases-that-sound-weird"} & set(found)


def test_a_name_in_prose_ends_where_a_links_text_ends_and_starts_where_it_starts():
    body = ("The [Larq](https://larq.dev) TensorFlow models are small, says [Google AI Blog](https://ai.googleblog.com) "
            "It explains. Learn [Barbara Oakley](https://barbaraoakley.com)'s method.\n")
    found = names_of(issue(body))
    assert {"Larq", "TensorFlow", "Google AI", "Barbara Oakley"} <= set(found)
    assert not {"Larq TensorFlow", "Google AI Blog It", "Learn Barbara Oakley"} & set(found)


def test_every_word_list_holds_the_words_written_in_it():
    # YAML 1.1 reads on, off, yes and no as booleans: "on" was missing from the connectors, "yes" from the phrases.
    lex = lexicon()
    assert "on" in lex.connectors and {"on", "off", "yes", "no"} <= lex.stopwords and "true" not in lex.connectors
    found = names_of(issue("The Partnership on AI published a report. He spoke at the Conference on Robot Learning."))
    assert {"Partnership on AI", "Conference on Robot Learning"} <= set(found) and "Partnership" not in found


def test_a_link_text_that_calls_to_action_names_what_follows_the_verb_or_nothing():
    found = names_of(issue("Reach out or [DM on Twitter](https://twitter.com/someone). [Try DeOldify]"
                           "(https://github.com/jantic/deoldify) today, and [Follow us](https://twitter.com/wb).\n"))
    assert "DeOldify" in found and not {"DM on Twitter", "Try DeOldify", "Follow us", "Follow"} & set(found)


def test_what_a_generic_acronym_leaves_of_a_phrase_is_no_name_when_it_is_one_english_word():
    found = names_of(*(issue(f"Thanks for reading the NLP Newsletter, issue {n}. AI Researchers at Hugging Face agree.",
                             source=f"{n}.md") for n in range(5)))
    assert "Hugging Face" in found and not {"Newsletter", "Researchers"} & set(found)


def test_a_body_named_by_its_fields_is_one_name_and_two_bodies_joined_by_and_are_two():
    found = names_of(issue(
        "Regulators at the Department of Health and Human Services are concerned. The U.S. National Institute of "
        "Allergy and Infectious Diseases sponsored a trial. The Allen Institute for AI and University of Washington "
        "built it, and the Partnership on AI and Center for Security and Emerging Technology agree. The Department "
        "of Health and Human Services said so. We are close to Artificial General Intelligence (AGI). Read it (Web)."))
    assert {"Department of Health and Human Services", "U.S. National Institute of Allergy and Infectious Diseases",
            "Allen Institute for AI", "University of Washington", "Partnership on AI",
            "Center for Security and Emerging Technology"} <= set(found)
    assert found["Department of Health and Human Services"].kind == "organization"
    assert not {"Human Services", "Department of Health", "Artificial", "Intelligence", "Web"} & set(found)


def test_the_first_word_in_a_parenthesis_after_a_name_is_no_kind_cue_a_dash_is_an_apposition():
    found = names_of(issue("* **Marta Gonzalez** (city & regional planning, UC Berkeley): develops models.\n"
                           "* **Matt Horne** (City of Vancouver climate policy): targets buildings.\n\n"
                           "The publishers of the E-Rater — software used by many states — found a bias.\n"))
    assert found["Marta Gonzalez"].kind == found["Matt Horne"].kind == "person"
    assert found["E-Rater"].kind == "product"


def test_a_comma_after_an_opening_phrase_starts_no_apposition():
    found = names_of(issue("In the U.S., the state of California passed a similar law. Unlike Zorblax, the agency "
                           "Quillmoor says little. Plenvo, the startup behind Gatrix, shipped it.\n"))
    assert found["U.S."].description is None and found["Zorblax"].description is None
    assert found["Plenvo"].description == "The startup behind Gatrix"


def test_a_nationality_stays_before_a_head_noun_even_at_a_sentence_start_but_ai_is_no_head():
    found = names_of(issue("Indian Institute of Science opened a lab. Soviet Union archives opened too. Datakalab, "
                           "a French AI startup, helps the broader Latin American AI community, as does the Chinese "
                           "AI startup Zhipu. Cambodian temples and Mayan pyramids were mapped.\n"))
    assert {"Indian Institute of Science", "Soviet Union", "Datakalab", "Zhipu"} <= set(found)
    assert not {"Institute of Science", "Union", "French AI", "Latin American AI", "Chinese AI", "Cambodian",
                "Mayan"} & set(found)


def test_a_sentence_may_open_with_a_well_known_names_first_words():
    found = names_of(issue("New York NLP meets on Monday. New models came out. United States officials met.\n"))
    assert {"New York NLP", "United States"} <= set(found)
    assert not {"York NLP", "New", "States"} & set(found)


def test_a_story_about_copyright_is_no_footer_but_a_footer_is():
    found = names_of(issue("Publishers like Zorblax Media are suing Plenvo for copyright infringement.\n\n"
                           "Read Quillmoor's privacy policy, which changed today after complaints from users in "
                           "Gatrix and other regulators across the continent.\n\n"
                           "Copyright 2024 Nimbus Forge. All rights reserved.\n\nPrivacy Policy | Terms of Zentrik\n"))
    assert {"Zorblax Media", "Plenvo", "Quillmoor", "Gatrix"} <= set(found)
    assert not {"Nimbus Forge", "Zentrik"} & set(found)


def test_a_headlines_ordinary_words_part_the_names_in_it_but_a_link_text_stays_whole():
    found = names_of(issue("## Zorblax Unveils Quillmoor, Its Fastest Chip Yet\n\nZorblax makes chips; Quillmoor is one.\n\n"
                           "## Plenvo in Talks to License Gatrix’s Model\n\nPlenvo met Gatrix on Monday.\n\n"
                           "Partners include [Animal Quibbo](https://quibbo.mx) in Mexico.\n"))
    assert {"Zorblax", "Quillmoor", "Plenvo", "Gatrix", "Animal Quibbo"} <= set(found)
    assert not {"Zorblax Unveils Quillmoor", "License Gatrix", "Quibbo"} & set(found)


def test_a_link_text_in_title_case_with_a_verb_between_names_is_a_headline():
    found = names_of(issue(
        "- [Zorblax Launches Quillmoor Edu for Universities](https://news.example.com/a)\n"
        "  Zorblax said Quillmoor Edu is for campuses.\n\n"
        "- [Plenvo Board Fired Gatrix Umbel](https://news.example.com/b)\n  Plenvo named a new chief.\n\n"
        "- [Zorblax Says It Disrupted Five Operations Using Its Models](https://news.example.com/c)\n"
        "  In its report, Zorblax says groups used its models.\n\n"
        "Try the [Quillmoor Output Detector Demo](https://quillmoor.example/demo) and "
        "[Animal Quibbo](https://quibbo.mx).\n"))
    assert {"Zorblax", "Quillmoor Edu", "Plenvo", "Gatrix Umbel", "Quillmoor Output Detector Demo",
            "Animal Quibbo"} <= set(found)
    assert not {name for name in found if " Launches " in name or " Fired " in name or " Says" in name}
    assert "Demo" not in found


def test_a_particle_and_its_article_join_a_name_and_a_second_head_starts_another():
    found = names_of(issue(
        "She studied at the University of the Arts London and met Ursula von der Leyen at the Universidad de la "
        "República in Montevideo.\n\n"
        "Óscar López hereda la puesta en marcha de la Agencia Española de Supervisión de la Inteligencia Artificial "
        "(AESIA), con sede en Galicia.\n\n"
        "La Facultad de Ingeniería de la Universidad de Chile abrió la inscripción a un curso para docentes.\n\n"
        "Investigadores de la École des Ponts ParisTech publicaron un modelo con la Universidad de Chile.\n\n"
        "Universidad de Buenos Aires abrió otro curso, y Le Monde publicó un artículo sobre el tema.\n\n"
        "The Los Angeles Police Department (LAPD) tested it.\n"))
    assert {"University of the Arts London", "Ursula von der Leyen", "Universidad de la República",
            "Agencia Española de Supervisión de la Inteligencia Artificial", "Facultad de Ingeniería",
            "Universidad de Chile", "École des Ponts ParisTech", "Universidad de Buenos Aires", "Le Monde"} <= set(found)
    assert found["École des Ponts ParisTech"].kind == "organization"
    assert "AESIA" in found["Agencia Española de Supervisión de la Inteligencia Artificial"].aliases
    assert "LAPD" in found["Los Angeles Police Department"].aliases
    assert not {name for name in found if name.startswith(("La ", "Investigadores")) or name in ("Ursula", "Leyen")}


def test_a_zip_code_is_no_version_but_a_short_number_is():
    found = names_of(issue("Our mailing address is:\nZorblax Labs\nOakland, Quillmoor 94609\n\n"
                           "Plenvo 2 beats Plenvo 1.5 and Gatrix 2024.\n"))
    assert {m.surface for m in found["Quillmoor"].mentions} == {"Quillmoor"}
    assert {"Plenvo 2", "Plenvo 1.5"} <= set(found["Plenvo"].aliases)


def test_a_credited_source_in_parentheses_is_a_name_and_a_link_whose_text_is_its_address_is_none():
    found = names_of(issue("Zorblax cut its prices by half. (Quillmoor $)\n\nA demo shipped. (Video)\n\n"
                           "Shares of Plenvo rose. (The Verge)\n\n"
                           "Read more: [https://arxiv.org/abs/2403.05286](https://arxiv.org/abs/2403.05286)\n"))
    assert found["Quillmoor"].kind == "organization" and "The Verge" in found and "Plenvo" in found
    assert not {"Video", "Verge", "https://arxiv.org/abs/2403.05286"} & set(found)


def test_words_before_or_in_capitals_are_no_part_of_a_well_known_name():
    found = names_of(issue("Use ChatGPT search as a research assistant. Read the FREE guide by Zorblax, free for all. "
                           "CPO Quill Moorcroft hinted at more. EXPECT this trick everywhere: ramps at Plenvo come in Q4, "
                           "at 460 TWh. CLIP is a model.\n"))
    assert {"ChatGPT", "Zorblax", "Quill Moorcroft", "Plenvo", "CLIP"} <= set(found)
    assert not {"Use ChatGPT", "FREE", "CPO Quill Moorcroft", "EXPECT", "Q4", "TWh"} & set(found)


def test_german_nouns_and_words_spelling_a_capitalised_acronym_are_no_names():
    found = names_of(issue("> „Mit dem Gesetz schaffen wir einen verlässlichen Rechtsrahmen. Wir dürfen nicht zulassen, "
                           "dass Start-ups wie Zorblax durch Bürokratie ausgebremst werden, während die Anbieter "
                           "davonziehen.“\n\nWho knew? Researchers at MIT trained it on 4,092 Quillmoor H100 GPUs.\n"))
    assert {"MIT", "Quillmoor H100"} <= set(found)
    assert not {"Mit", "Rechtsrahmen", "Bürokratie", "Anbieter", "WHO", "Who", "Quillmoor H100 GPUs"} & set(found)


def test_a_link_whose_text_lists_well_known_names_is_none_of_them():
    found = names_of(issue("Models from [Carnegie Mellon and Google Brain](https://arxiv.org/abs/1906.08237) and "
                           "[Procter & Gamble](https://pg.com) topped the charts.\n"))
    assert {"Carnegie Mellon", "Google Brain", "Procter & Gamble"} <= set(found)
    assert "Carnegie Mellon and Google Brain" not in found
    assert not found["Google Brain"].urls and found["Procter & Gamble"].urls


def test_an_ampersand_goes_on_with_a_name_unless_another_name_follows_it():
    found = names_of(issue(
        "Shares of Procter & Gamble fell. The U.S. Occupational Health & Safety Administration agreed, and so did "
        "the Grid Resilience & Intelligence Platform team. The Descript Podcast Studio & Overdub shipped. See "
        "Nivin & Kao for more. A book for Cloud, Mobile & Edge devices.\n"))
    assert {"Procter & Gamble", "U.S. Occupational Health & Safety Administration",
            "Grid Resilience & Intelligence Platform", "Descript Podcast Studio", "Overdub"} <= set(found)
    assert not {"Gamble", "Safety Administration", "Descript Podcast Studio & Overdub", "Nivin & Kao",
                "Mobile & Edge"} & set(found)


def test_former_is_no_part_of_a_name():
    found = names_of(issue("Former Google CEO Eric Schmidt chairs the commission. The former OpenAI researcher left."))
    assert {"Google", "Eric Schmidt"} <= set(found) and not {"Former Google", "Former"} & set(found)


def test_the_alt_text_of_a_linked_picture_names_nothing():
    found = names_of(issue("[![YOLOv2 object detection example with cars on a street](https://cdn.example.com/a.jpg)]"
                           "(https://www.coursera.org/specializations/deep-learning)\n\nWe use YOLOv2 daily.\n"))
    assert not any("street" in name for name in found)


def test_a_link_text_that_is_a_clause_of_its_sentence_is_no_name_and_a_title_after_a_colon_is():
    found = names_of(issue(
        "This week [Anthropic released Claude 3](https://www.anthropic.com/news/claude-3), and [The Verge tested "
        "exactly that](https://www.theverge.com/x). Read it here: [PyTorch 1.3 adds mobile, privacy, and named tensors]"
        "(https://ai.facebook.com/blog/pytorch-13). We used [remove.bg](https://www.remove.bg/) and "
        "[Papers with Code](https://paperswithcode.com/).\n"))
    assert {"Anthropic", "PyTorch 1.3 adds mobile, privacy, and named tensors", "remove.bg",
            "Papers with Code"} <= set(found)
    assert not {"Anthropic released Claude 3", "Anthropic released Claude", "The Verge tested exactly that"} & set(found)


def test_a_dotted_abbreviation_ends_a_sentence_before_a_function_word_and_an_ing_compound_is_its_head():
    found = names_of(issue("We play a role in A.I. Without us, they fail. Prices rose in the U.S. The rest fell. "
                           "The U.S. Army said so. Uber released a zoo of Atari-playing RL agents. "
                           "Denoising Pre-training helps BART."))
    assert {"U.S. Army", "Atari", "Denoising Pre-training"} <= set(found) and found["U.S. Army"].kind == "organization"
    assert not {"A.I. Without", "U.S. The", "Atari-playing", "Denoising Pre"} & set(found)


def test_where_a_link_goes_said_after_its_title_is_not_part_of_the_name():
    # Import AI's "Read more:" lines
    found = names_of(issue(
        "Read more: [GraphCast: Learning skillful weather forecasting (arXiv)](https://arxiv.org/abs/2212.12794). "
        "Read more: [Yi (GitHub)](https://github.com/01-ai/Yi). See [Claude (Anthropic blog)]"
        "(https://www.anthropic.com/news/claude). [Get the code here (FlashAttention, GitHub)]"
        "(https://github.com/Dao-AILab/flash-attention)."))
    assert {"GraphCast: Learning skillful weather forecasting", "Yi", "Claude"} <= set(found)
    assert not {n for n in found if n.casefold().endswith("here")}
    assert not {n for n in found if n.endswith(")")}


def test_who_founded_or_led_something_is_a_person_unless_a_title_follows():
    found = names_of(issue("01.AI, a startup founded by Kai-Fu Lee, released Yi. It was co-founded by UC Berkeley "
                           "AI professor Pieter Abbeel."))
    assert found["Kai-Fu Lee"].kind == "person" and found["UC Berkeley AI"].kind != "person"


def test_a_models_tier_goes_with_its_version_and_the_note_is_the_models():
    found = names_of(issue("Claude 3.5 Sonnet beats GPT-4o. Anthropic also has Claude 3 Opus and Claude 3.5 Haiku. "
                           "Google shipped Gemini 1.5 Pro. PyTorch 1.3 Released today."))
    assert {"Claude", "Gemini"} <= set(found) and not {"Sonnet", "Opus", "Haiku", "Pro"} & set(found)
    assert {"Claude 3.5 Sonnet", "Claude 3 Opus"} <= set(found["Claude"].aliases)


def test_a_sentences_first_word_before_a_name_is_not_part_of_it():
    found = names_of(issue("Whether Anthropic will ship is unclear. Expect OpenAI to respond. Despite US rules, it "
                           "shipped. Hugging Face grew. Training RoBERTa is costly. Neural MMO is a game."))
    assert {"Anthropic", "OpenAI", "Hugging Face", "RoBERTa", "Neural MMO"} <= set(found)
    assert not {"Whether Anthropic", "Expect OpenAI", "Despite US", "Training RoBERTa"} & set(found)


def test_short_forms_of_months_and_days_are_names_beside_a_name():
    found = names_of(issue("The paper is by Jan Leike and Guolei Sun, with Mar Hicks. On Jan 5 Google spoke. In Jan "
                           "OpenAI grew."))
    assert {"Jan Leike", "Guolei Sun", "Mar Hicks", "Google", "OpenAI"} <= set(found)
    assert not {"Leike", "Guolei", "Jan OpenAI", "Jan"} & set(found)


def test_a_headline_or_a_clause_as_a_links_text_names_nothing_and_a_title_is_a_paper():
    found = names_of(issue(
        "- [California's SB 1047 awaits Governor Newsom's decision](https://www.politico.com/news/sb-1047) - a bill.\n"
        "- [Anthropic’s Claude is now available in Europe](https://www.anthropic.com/news/claude-europe).\n\n"
        "**The Rundown:** [Anthropic just released](https://www.anthropic.com/news/3-5) an upgraded model.\n\n"
        "Read more: [GraphCast: Learning skillful medium-range weather forecasting](https://arxiv.org/abs/2212.1).\n"))
    assert not {n for n in found if " " in n and any(w in n for w in ("awaits", "released"))}
    assert found["GraphCast: Learning skillful medium-range weather forecasting"].kind == "paper"
    # The site's own post, when its title is a sentence, is news: its resource note is enough.
    assert "Anthropic’s Claude is now available in Europe" not in found


def test_github_repos_arxiv_citations_and_profiles():
    body = (
        "Kavita Ganesan and [Romano Foti](https://twitter.com/romanofoti) wrote about it. "
        "The code is open: [polyaxon/polyaxon](https://github.com/polyaxon/polyaxon). Polyaxon is a tool to train "
        "models.\n\nIn a paper, [Lepikhin et al. (2020)](https://arxiv.org/abs/2006.16668) introduce GShard. "
        "And [Liem and Panichella (2020)](https://example.org/p.pdf) find issues in ImageNet.\n"
    )
    found = names_of(issue(body))
    assert found["Romano Foti"].kind == "person"
    assert "polyaxon/polyaxon" in found["Polyaxon"].aliases
    assert found["Lepikhin et al. (2020)"].kind == "paper"
    assert found["Lepikhin"].kind == "person"
    assert "Liem and Panichella (2020)" in found and "Panichella" in found
    assert {"GShard", "ImageNet", "Kavita Ganesan"} <= set(found)


def test_prose_names_without_links_and_no_sentence_start_junk():
    body = (
        "Hey everyone, welcome to Weekly Bytes #24!\n\n"
        "Read on. Thanks to everyone who wrote in. Anyway, here is the news.\n\n"
        "**What's new:** Momenta, an autonomous-vehicle startup, and researchers at Peking University "
        "released Gate Decorator. Unlike other methods, Gate Decorator prunes whole filters from an "
        "ImageNet-trained ResNet.\n\n"
        "Deepfaked audio made headlines in May when a Canadian startup called Dessa cloned the voice of "
        "podcaster Joe Rogan. According to the security company Symantec, it worked.\n"
    )
    found = names_of(issue(body))
    assert {"Momenta", "Peking University", "Gate Decorator", "ImageNet", "ResNet", "Dessa", "Joe Rogan",
            "Symantec"} <= set(found)
    assert found["Momenta"].kind == "organization"
    assert found["Dessa"].description == "A Canadian startup"
    assert found["Joe Rogan"].kind == "person"
    assert not {n.casefold() for n in found} & JUNK
    assert "Weekly Bytes" not in found and "WB" not in found


def test_headlines_do_not_make_every_capitalised_word_a_name():
    body = "## Clash of the Frameworks\n\nMost applications run on TensorFlow or PyTorch.\n"
    found = names_of(issue(body))
    assert set(found) == {"TensorFlow", "PyTorch"}


def test_versions_case_variants_possessives_and_definitions_merge():
    a = issue("TensorFlow 2.0 was released. Google's team wrote it.\n\nThe Tensorflow docs are long.", "a.md")
    b = issue("We compare TensorFlow with PyTorch 1.3 from Facebook. Google released it.\n\n"
              "Climate Change AI (CCAI) runs workshops; CCAI also has a wiki.", "b.md")
    found = names_of(a, b)
    tf = found["TensorFlow"]
    assert {"TensorFlow 2.0", "Tensorflow"} <= set(tf.aliases)
    assert {m.source for m in tf.mentions} == {"a.md", "b.md"}
    assert "PyTorch 1.3" in found["PyTorch"].aliases
    assert "Google" in found and "Google's" not in found
    assert "CCAI" in found["Climate Change AI"].aliases and "CCAI" not in found


def test_local_aliases_surnames_and_acronyms():
    body = ("Benedict Evans of Andreessen Horowitz wrote an essay. Evans describes four waves.\n\n"
            "The Drone Racing League unveiled a drone. A recent DRL video shows it.")
    found = names_of(issue(body))
    assert "Evans" not in found and len(found["Benedict Evans"].mentions) == 2
    assert found["Andreessen Horowitz"].kind == "organization"
    assert "DRL" in found["Drone Racing League"].aliases


def test_merge_is_independent_of_input_order():
    cands = [
        Candidate("TensorFlow 2.0", "a", "t", "library", "s1", None, 0.7),
        Candidate("Tensorflow", "b", "t", None, "s2", None, 0.55),
        Candidate("Climate Change AI", "a", "t", "organization", "s3", None, 0.8, aliases=("CCAI",)),
        Candidate("CCAI", "c", "t", None, "s4", None, 0.6),
        Candidate("Momenta", "a", "t", "organization", "s5", None, 0.75, "An autonomous-vehicle startup"),
        Candidate("Read", "a", "t", None, "s6", None, 0.1),
    ]
    expected = merge_entities(cands)
    for seed in range(20):
        shuffled = cands[:]
        random.Random(seed).shuffle(shuffled)
        assert merge_entities(shuffled) == expected
    assert [e.key for e in expected] == sorted(e.key for e in expected)
    assert "Read" not in {e.name for e in expected}


@settings(max_examples=60, deadline=None)
@given(st.permutations(list(range(8))))
def test_property_merge_order_independent(order):
    base = [Candidate(n, s, "t", k, f"{n} in {s}", None, c) for n, s, k, c in [
        ("GPT-2", "x", "model", 0.7), ("GPT-2", "y", None, 0.4), ("OpenAI", "x", "organization", 0.6),
        ("OpenAI’s", "y", None, 0.5), ("Medium", "x", None, 0.25), ("Medium", "y", None, 0.3),
        ("Gemini", "x", "model", 0.8), ("Hey", "y", None, 0.2)]]
    assert merge_entities([base[i] for i in order]) == merge_entities(base)


def test_threshold_one_weak_mention_is_dropped_a_link_is_kept():
    weak = Candidate("Segments", "a", "text", None, "Segments at start.", None, 0.3)
    linked = Candidate("Naki", "a", "links", "product", "See Naki.", "https://naki.org", 0.85)
    found = {e.name for e in merge_entities([weak, linked])}
    assert found == {"Naki"} and 0.3 < KEEP < 0.85


def test_two_things_with_one_name_get_two_keys():
    cands = []
    for src in ("a", "b", "c"):
        cands.append(Candidate("Gemini", src, "t", "model", f"Google's Gemini model in {src}.", None, 0.8))
    for src in ("d", "e"):
        cands.append(Candidate("Gemini", src, "t", "organization", f"The exchange Gemini in {src}.", None, 0.8))
    ents = merge_entities(cands)
    assert len(ents) == 2 and len({e.key for e in ents}) == 2
    assert {e.kind for e in ents} == {"model", "organization"}


def test_newsletter_name_is_vetoed_archive_wide():
    a = issue("Welcome to Weekly Bytes #3! Google did things.", "a.md")
    b = issue("Weekly Bytes readers liked Google and Weekly Bytes merch.", "b.md", newsletter=None)
    found = names_of(a, b)
    assert "Weekly Bytes" not in found and "Google" in found


SAMPLES_JUNK = JUNK | {"dt", "dynamically typed", "the batch", "see all 43", "dt #22", "course 4", "nope",
                       "sounds", "companies", "results", "researchers"}


def test_samples_have_no_junk_and_find_the_obvious():
    from pathlib import Path

    from vaultgen.pipeline import extract_candidates, read_issues

    issues, links, *_ = read_issues(Path(__file__).resolve().parents[1] / "issues")
    found = {e.name: e for e in merge_entities(extract_candidates(issues, links))}
    assert not {n.casefold() for n in found} & SAMPLES_JUNK
    for name in ("TensorFlow", "PyTorch", "Descript", "Spleeter", "Deezer", "Drone Racing League", "MNIST",
                 "GPT-2", "BERT", "National University of Singapore", "Coconet"):
        assert name in found, name
    assert found["TensorFlow"].kind == "library"
    assert len({m.source for m in found["TensorFlow"].mentions}) >= 3


def test_extraction_is_linear_and_fast():
    para = ("Researchers at Peking University and Momenta, an autonomous-vehicle startup, trained ResNet on "
            "ImageNet with PyTorch, says [Jane Doe](https://twitter.com/janedoe). Google Brain agreed. ")
    body = "\n\n".join(f"## Story {k}\n\n" + para * 3 for k in range(8))
    issues = [issue(body, f"{n}.md") for n in range(200)]
    text, links = TextEntityExtractor(), LinkEntityExtractor()
    start = time.perf_counter()
    cands = [c for i in issues for x in (text, links) for c in x.extract(i, extract_links(i.body))]
    ents = merge_entities(cands)
    assert time.perf_counter() - start < 10
    assert {"Peking University", "Momenta", "Google Brain", "Jane Doe"} <= {e.name for e in ents}


def _said(name, source, kind=None, sentence=None, confidence=0.9):
    return Candidate(name, source, "prose", kind, sentence or f"{name} said so in {source}.", confidence=confidence)


def test_a_first_name_is_the_one_person_of_that_name_the_archive_cites_most():
    signoffs = [_said("Andrew", f"{n}.md", sentence="Keep learning! Andrew") for n in range(4)]
    people = [_said("Andrew Ng", "1.md", "person"), _said("Andrew Ng", "2.md", "person"),
              _said("Andrew Senior", "3.md", "person")]
    entities = {e.name: e for e in merge_entities(signoffs + people)}
    assert "Andrew" not in entities and "Andrew" in entities["Andrew Ng"].aliases
    assert {m.source for m in entities["Andrew Ng"].mentions} == {"0.md", "1.md", "2.md", "3.md"}
    assert "Andrew" not in entities["Andrew Senior"].aliases


def test_a_first_name_two_people_share_or_that_is_a_word_stays_its_own():
    shared = [_said("Sam", f"{n}.md") for n in range(3)] + [
        _said("Sam Altman", "1.md", "person"), _said("Sam Altman", "2.md", "person"),
        _said("Sam Bowman", "3.md", "person"), _said("Sam Bowman", "4.md", "person")]
    entities = {e.name: e for e in merge_entities(shared)}
    assert "Sam" in entities and "Sam" not in entities["Sam Altman"].aliases
    worded = [_said("Will", f"{n}.md") for n in range(3)] + [_said("Will Knight", f"{n}.md", "person") for n in (1, 2)]
    assert "Will" not in {a for e in merge_entities(worded) for a in e.aliases}


def test_a_name_that_reads_as_a_persons_is_a_person_when_its_first_name_is_a_known_persons():
    cands = [_said("Andrew Ng", "1.md", "person"), _said("Andrew McAfee", "2.md"), _said("Andrew Mobile", "3.md"),
             _said("Quantum Leap", "4.md"), _said("Quantum Dots", "5.md")]
    kinds = {e.name: e.kind for e in merge_entities(cands)}
    assert kinds["Andrew McAfee"] == "person"
    assert kinds.get("Andrew Mobile") != "person"     # "mobile" is a word: not a surname to go by
    assert kinds.get("Quantum Dots") != "person"      # no person of the archive is called Quantum


# -- the merge memo of a watcher session: what it remembers never changes what a merge gives ----------------
_MEMO_NAMES = ["Papers with Code", "Code", "Climate Change AI", "CCAI", "OpenAI", "GPT-2", "Gemini", "Weekly Bytes",
               "Andrew Ng", "Andrew", "TensorFlow 2.0", "TensorFlow", "Deep Mind", "DeepMind"]
_memo_candidate = st.builds(
    Candidate, name=st.sampled_from(_MEMO_NAMES), source=st.just(""), extractor=st.sampled_from(["text", "links"]),
    kind=st.sampled_from([None, "model", "organization", "person"]),
    sentence=st.sampled_from(["Papers with Code ships Code.", "Climate Change AI (CCAI) met.", "Andrew Ng wrote.", ""]),
    confidence=st.sampled_from([0.0, 0.3, 0.45, 0.6, 0.9]), aliases=st.sampled_from([(), ("CCAI",), ("Code",)]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from("abcd"), st.one_of(st.none(), st.lists(_memo_candidate, max_size=6))),
                min_size=2, max_size=5))
def test_property_merge_with_a_session_memo_equals_a_fresh_merge(steps):
    """Build after build (sources kept as the same object, changed, added, removed), a merge that reuses the
    memo of the previous ones gives what a merge from nothing gives."""
    from dataclasses import replace

    from vaultgen.resolve import MergeMemo, merge_sources
    memo, sources = MergeMemo(), {}
    for step in steps:
        for source, given_ in step.items():
            if given_ is None:
                continue                      # unchanged: the very same object as in the last build
            if given_:
                sources[source] = (tuple(replace(c, source=source) for c in given_),)
            else:
                sources.pop(source, None)
        assert merge_sources(dict(sources), None, memo) == merge_sources(dict(sources))


def test_merge_memo_reuses_unchanged_sources_and_groups():
    from vaultgen.resolve import MergeMemo, merge_sources
    a = (tuple(Candidate("OpenAI", "a", "text", "organization", "OpenAI ships.", None, 0.9) for _ in range(1)),)
    b = (tuple([Candidate("Gemini", "b", "text", "model", "Gemini is out.", None, 0.9)]),)
    memo = MergeMemo()
    first = merge_sources({"a": a, "b": b}, None, memo)
    share = memo.sources["a"]
    b2 = (tuple([Candidate("Gemini", "b", "text", "model", "Gemini is out again.", None, 0.9)]),)
    second = merge_sources({"a": a, "b": b2}, None, memo)
    assert memo.sources["a"] is share                       # not worked out again
    assert second[[e.name for e in second].index("OpenAI")] is first[[e.name for e in first].index("OpenAI")]
    assert second != first and second == merge_sources({"a": a, "b": b2})


def test_an_issue_read_again_keeps_the_entities_its_unchanged_mentions_are_in():
    """An edit to an issue gives new candidates, most equal to the last ones: their groups' entities are not worked out
    again but are the very objects of the last merge; an entity made again holds the very Mentions it held."""
    from vaultgen.resolve import MergeMemo, merge_sources

    def issue_b(*extra):
        return (tuple([Candidate("Gemini", "b", "text", "model", "Gemini is out.", None, 0.9),
                       Candidate("OpenAI", "b", "text", "organization", "OpenAI ships.", None, 0.9), *extra]),)
    a = (tuple([Candidate("OpenAI", "a", "text", "organization", "OpenAI ships too.", None, 0.9)]),)
    memo = MergeMemo()
    first = {e.name: e for e in merge_sources({"a": a, "b": issue_b()}, None, memo)}
    added = Candidate("OpenAI", "b", "text", "organization", "OpenAI again.", None, 0.9)
    second = {e.name: e for e in merge_sources({"a": a, "b": issue_b(added)}, None, memo)}
    assert second["Gemini"] is first["Gemini"]                  # read again, as it was: the same entity
    assert second["OpenAI"] is not first["OpenAI"]              # a mention more: made again…
    assert set(map(id, first["OpenAI"].mentions)) < set(map(id, second["OpenAI"].mentions))  # …with the same Mentions
    assert list(second.values()) == merge_sources({"a": a, "b": issue_b(added)})


def test_phrases_around_names_are_no_names():
    """Link texts led by an ordinary word, quoted descriptions and the tail of a name that opens a sentence."""
    found = names_of(issue(
        "University of Washington professor Emily Bender explained why. Read more [on Twitter](https://twitter.com/x/1) "
        "and [according to IBPAP](https://ibpap.org/report.pdf). Una [nueva entrega de Transformers]"
        "(https://github.com/huggingface/transformers/releases/tag/v2.5.0) de Hugging Face.\n\n"
        "Aaron Ackerson, whom the *Chicago Sun-Times* called “a cross between Beck and Frank Zappa,” sang.\n"))
    assert "University of Washington" in found and "Frank Zappa" in found
    for junk in ("of Washington", "on Twitter", "according to IBPAP", "a cross between Beck and Frank Zappa",
                 "nueva entrega de Transformers"):
        assert junk not in found
    assert found["IBPAP"].urls == ()   # named by the prose, not by the link: the report is not its page


def test_a_name_cut_short_before_its_end_is_no_name_and_a_year_ending_a_title_stays():
    found = names_of(issue(
        "* Here's the full list: [52 things I learned in 2018](https://medium.com/@x/52-things) (Medium)\n"
        "* [My Tweet about the project](https://twitter.com/x/status/1) (Twitter)\n"
        "* Their report: [Google AI Principles updates, six months in](https://blog.google/principles) (Google)\n"))
    assert "52 things I learned in 2018" in found and "52 things I learned in" not in found
    assert not [n for n in found if n.startswith("My Tweet")]             # "My Tweet about the": cut short
    assert "Google AI Principles updates, six months in" in found


def test_a_middle_initial_keeps_a_name_whole():
    found = names_of(issue("The linguist Emily M. Bender wrote it, and Zack C. Lipton agreed. Plan B. Next, the rest.\n"))
    assert "Emily M. Bender" in found and "Zack C. Lipton" in found
    assert not {"Emily M", "Zack C", "Bender", "Lipton", "Plan B. Next"} & set(found)


def test_names_in_chinese_text_end_where_the_chinese_does():
    found = names_of(issue("Andrey Kormilitzin发布了Med7，这是一个用于电子健康记录的模型。"
                           "[AraBERT模型](https://github.com/aub-mind/arabert)现在可以在Hugging Face中使用。\n"))
    assert {"Andrey Kormilitzin", "Med7", "Hugging Face"} <= set(found)
    assert not [n for n in found if CJK_TEXT.search(n)]


def test_function_words_of_a_translated_issue_are_no_names():
    found = names_of(issue("Un Colab Notebook para aprender PyTorch. Cette semaine, Yann LeCun parle. "
                           "Sur le blog de Hugging Face. Dans Los Angeles, rien.\n"))
    assert not {"Un", "Un Colab Notebook", "Cette", "Sur", "Dans"} & set(found)
    assert {"PyTorch", "Yann LeCun", "Hugging Face", "Los Angeles"} <= set(found)


def test_sentence_starts_of_another_language_are_no_names():
    found = names_of(issue("Aquí se puede encontrar la investigación completa. Aquí hay otro ejemplo del modelo. "
                           "Abonnez-vous pour recevoir les prochains numéros. Abonnez-vous dans votre boîte mail. "
                           "Berkeley的课程已经公开发布. Berkeley开源了新的课程.\n"))
    assert not {"Aquí", "Abonnez-vous"} & set(found)
    assert "Berkeley" in found      # in Chinese text, a word in Latin letters is a name
    linked = names_of(issue("[Aquí](https://arxiv.org/abs/2002.05709) se puede encontrar la investigación completa. "
                            "[Suscríbete](https://dair.ai/newsletter) al boletín para recibir futuras ediciones. "
                            "Un artículo titulado “Foco en proveer un resumen”. Un método llamado SimCLR (Dirigido por "
                            "Geoffrey Hinton) propone un framework. Se asoció con [Reaktor](https://www.reaktor.com).\n"))
    assert not {"Aquí", "Suscríbete", "Foco", "Dirigido"} & set(linked)
    assert {"SimCLR", "Geoffrey Hinton", "Reaktor"} <= set(linked)


def test_an_elided_article_or_a_joined_arabic_letter_is_no_part_of_a_name():
    found = names_of(issue("Vous pouvez lire le livre d’Emmanuel Ameisen sur l'IA. Le cours de l'Université d'Helsinki. "
                           "مثال على مخرجات كل من CycleGAN (3) وDualGAN (4) وطريقتنا. Andrew Ng parle de l'OpenAI et "
                           "d'OpenAI.\n"))
    assert {"Emmanuel Ameisen", "DualGAN", "Université d'Helsinki", "OpenAI"} <= set(found)
    assert not {"d’Emmanuel Ameisen", "l'IA", "IA", "وDualGAN", "l'Université d'Helsinki", "l'OpenAI"} & set(found)


def test_a_slash_between_two_capitals_is_within_a_name():
    found = names_of(issue("Google announced Gemini at Google I/O on Tuesday. We compared PyTorch/JAX in an A/B test. "
                           "It is written in C/C++ by Intel."))
    assert {"Google I/O", "PyTorch", "JAX", "C++"} <= set(found)
    assert not {"Google I", "A/B", "I/O"} & set(found)


def test_a_first_word_the_issue_writes_in_lower_case_elsewhere_is_no_name():
    found = names_of(issue("Arrhythmias occur sporadically. Arrhythmias can cause strokes. A watch that spots "
                           "arrhythmias. Seismologists read the data. Seismologists warned of it, as a seismologist "
                           "would. Keras makes it easy. Keras runs on TensorFlow: [docs](https://keras.io/keras-x).\n"))
    assert not {"Arrhythmias", "Seismologists"} & set(found)
    assert "Keras" in found         # a lower-case word in a link's address is no common word


def test_well_known_names_of_one_thing_are_one_entity():
    found = names_of(issue("The United States and the European Union passed laws. The U.S. law is strict; the EU "
                           "one is not. In the US, Andreessen Horowitz invested. Later, a16z invested again.\n"))
    assert {"United States", "European Union"} <= set(found)
    assert {"US", "U.S.", "EU"} <= set(found["United States"].aliases + found["European Union"].aliases)
    assert not {"US", "U.S.", "EU"} & set(found)
    assert len([n for n in found if n in ("a16z", "Andreessen Horowitz")]) == 1


def test_a_role_opening_a_sentence_is_no_part_of_the_names_after_it():
    found = names_of(issue("Researchers Jonathan Frankle and Michael Carbin showed it. Filmmakers Josh Johr agreed. "
                           "Cryptography researchers wrote about it. Redditor Denis Shiryaev upscaled a film.\n"))
    assert {"Jonathan Frankle", "Michael Carbin", "Josh Johr", "Denis Shiryaev"} <= set(found)
    assert not {"Researchers Jonathan Frankle", "Filmmakers Josh Johr", "Cryptography", "Redditor Denis Shiryaev"} \
        & set(found)


def test_a_company_that_says_something_is_no_person():
    found = names_of(issue("Cisco Systems said on Monday it would buy a rival. Jeff Dean said the model works. "
                           "Acme Robotics says its arm folds towels."))
    assert found["Cisco Systems"].kind == "organization" and found["Acme Robotics"].kind == "organization"
    assert found["Jeff Dean"].kind == "person"


def test_a_call_to_action_is_not_part_of_the_name_after_it():
    found = names_of(issue("Try DeOldify yourself in this notebook. Join Acme Labs at their meetup. "
                           "Download Krita, and visit Hugging Face."))
    assert {"DeOldify", "Acme Labs", "Krita", "Hugging Face"} <= set(found)
    assert not {n for n in found if n.split()[0] in ("Try", "Join", "Download")}


def test_names_spelled_with_and_without_accents_are_one_thing_and_keep_their_notes_ids():
    found = names_of(issue("Beyoncé released an album. Jürgen Schmidhuber spoke.", source="a.md"),
                     issue("Beyonce toured Europe. Juergen is not Jürgen.", source="b.md"),
                     issue("Beyoncé and Beyonce fans met in Zürich and in Zurich.", source="c.md"))
    [singer] = [e for e in found.values() if e.name in ("Beyoncé", "Beyonce")]
    assert {singer.name, *singer.aliases} >= {"Beyoncé", "Beyonce"} and len({m.source for m in singer.mentions}) == 3
    assert len([e for e in found.values() if e.name in ("Zürich", "Zurich")]) == 1
    # The note's id stays what the accented name gave it before: an upgraded vault keeps its notes' names.
    assert found["Jürgen Schmidhuber"].key == "jürgenschmidhuber"
    from vaultgen.mentions import merge_key
    assert merge_key("Nguyễn") == merge_key("Nguyen") and merge_key("Йошкар") != merge_key("Иошкар")  # Latin only


def test_the_worlds_countries_states_and_big_cities_are_places_not_people():
    found = names_of(issue("Startups in Addis Ababa and Buenos Aires grew. North Carolina passed a law. "
                           "Farmers in Andhra Pradesh use drones, and Guinea banned them."))
    for place in ("Addis Ababa", "Buenos Aires", "North Carolina", "Andhra Pradesh", "Guinea"):
        assert found[place].kind == "place", place


def test_a_company_named_like_a_person_is_an_organization_and_no_first_name_is_its_alias():
    found = names_of(issue("John Deere unveiled a robot tractor, said Goldman Sachs. John Smith agreed.", source="a.md"),
                     issue("Farmers bought John Deere machines.", source="b.md"))
    assert found["John Deere"].kind == "organization" and found["Goldman Sachs"].kind == "organization"
    assert "John" not in found["John Deere"].aliases


def test_a_line_in_capitals_names_only_its_words_that_are_no_english_word():
    found = names_of(issue("BIG TECH & STARTUPS\n\nOPENAI RELEASES GPT-4\n\nOpenAI said the model is better. "
                           "The GLUE benchmark agrees."))
    assert "STARTUPS" not in found and "BIG TECH" not in found and not any("RELEASES" in n for n in found)
    assert {"OpenAI", "GPT-4", "GLUE"} <= set(found)


def test_a_lower_case_prefix_is_not_part_of_the_name_after_it():
    found = names_of(issue("Imagine robo-Elton John singing. Fans of a pro-Donald Trump page met. "
                           "An anti-Google search engine launched, and t-SNE plots showed it."))
    assert {"Elton John", "Donald Trump", "Google"} <= set(found) and "John" not in found
    assert not any(n.startswith(("robo-", "pro-", "anti-")) for n in found)


def test_the_names_of_an_author_list_are_people_and_whole():
    found = names_of(issue(
        "Primer is a new paper.\n\n**Authors:** Peng Gao, Shijie Geng, Teli Ma, Rongyao Fang (Shanghai AI Laboratory)\n\n"
        "We liked [BitNet](https://arxiv.org/abs/2407.10969) by Hongyu Wang, Shuming Ma, Ruiping Wang and Furu Wei.\n"))
    for name in ("Teli Ma", "Rongyao Fang", "Shuming Ma", "Furu Wei"):
        assert found[name].kind == "person", name
    assert "Rongyao" not in found


def test_a_short_list_after_by_names_no_people():
    found = names_of(issue("The tool was built by Quill Harbor and Nimbus Forge, the two studios.\n"))
    assert found["Quill Harbor"].kind != "person" and found["Nimbus Forge"].kind != "person"


def test_the_first_names_a_newsletter_signs_with_are_no_entities():
    story = "This week Quillbot raised money from Sequoia to build Zephyrine, its new writing model. " * 3
    found = names_of(issue(f"Hey folks, Wendel here. What a Monday.\n\n{story}\n\n{story}\n\n{story}\n\n"
                           "See you tomorrow! – Wendel\n\nRowan, Joey, Zach and Jason—The Daily's editorial team\n\n"
                           "— Noah and Grant, Weekly Bytes\n"))
    assert {"Wendel", "Rowan", "Joey", "Zach", "Jason", "Noah", "Grant"}.isdisjoint(found)
    assert {"Quillbot", "Zephyrine"} <= set(found)


def test_a_list_of_names_that_opens_an_issue_is_no_sign_off():
    found = names_of(issue("Mistral, Cohere and Reka — the new open models\n\n" + "Reka shipped a model. " * 3))
    assert "Reka" in found


def test_a_title_in_quotes_beside_what_it_is_is_a_paper_and_a_quoted_remark_is_not():
    found = names_of(issue(
        "Matt Sheehan's Carnegie Endowment for International Peace report \"China's AI Regulations and How They Get "
        "Made\" is still the best guide.\n\nThis week's translation: “After the Hundred Model War: Who Survives "
        "China's Large Model Shakeout?”\n\n“We Are Excited About the Report,” said Sam Altman.\n\n"
        "The paper \"attention is what we need\" is a remark.\n"))
    assert found["China's AI Regulations and How They Get Made"].kind == "paper"
    assert found["After the Hundred Model War: Who Survives China's Large Model Shakeout"].kind == "paper"
    assert "Sam Altman" in found
    for junk in ("We Are Excited About the Report", "We Are Excited About the Report,", "attention is what we need"):
        assert junk not in found


def test_an_arxiv_link_titled_in_ordinary_words_is_a_paper_and_an_ordinary_link_is_nothing():
    found = names_of(issue(
        "### 3. [Instruction Tuning With Loss Over Instructions](https://arxiv.org/abs/2405.14394)\n\n"
        "Read about [Electricity Systems and Storage](https://example.com/electricity) too.\n"))
    assert found["Instruction Tuning With Loss Over Instructions"].kind == "paper"
    assert not any("Electricity" in name for name in found)


def test_a_body_of_the_state_keeps_its_of_and_for_and_a_place_before_it_starts_no_second_body():
    found = names_of(issue(
        "Matt Sheehan of the Carnegie Endowment for International Peace wrote it. Dozens of models have completed "
        "the Cyberspace Administration of China's filing process. The United States Food and Drug Administration "
        "approved it. Researchers at the Allen Institute for AI and Carnegie Mellon University built it.\n"))
    for name in ("Carnegie Endowment for International Peace", "Cyberspace Administration of China",
                 "United States Food and Drug Administration", "Allen Institute for AI", "Carnegie Mellon University"):
        assert found[name].kind == "organization", name
    for fragment in ("Carnegie Endowment", "International Peace", "Cyberspace Administration", "United States Food"):
        assert fragment not in found


def test_acronyms_of_techniques_and_french_common_nouns_are_no_entities():
    """"SSM" (state space model) and "KV" (key-value cache) are kinds of thing, as LSTM is; ADN and ARN are French for
    DNA and RNA."""
    found = names_of(issue(
        "Mamba is an SSM from Albert Gu. The KV cache grows with context, and Microsoft Research built YOCO.\n\n"
        "Les chercheurs de l'Inria séquencent l'ADN et l'ARN.\n"))
    assert "Albert Gu" in found and "Microsoft Research" in found
    for generic in ("SSM", "KV", "ADN", "ARN"):
        assert generic not in found


def test_a_models_size_goes_with_its_name_as_an_alias_and_a_technical_report_is_a_paper():
    """"Llama 3 70B" is Llama's, as "Llama 3" is; the word after a size is a tier ("Nemotron-4 340B Reward"), not a
    name of its own; "Nemotron-4 340B Technical Report" is the title of a paper, not a model and an anchor head."""
    found = names_of(issue(
        "Mistral AI released Mixtral 8x22B. Meta trained Llama 3 70B and Llama 3.1 405B Instruct. Google shipped "
        "Gemma 2 9B. NVIDIA trained Nemotron-4 340B Reward, described in the "
        "[Nemotron-4 340B Technical Report](https://research.nvidia.com/publication/nemotron-4-340b).\n"))
    assert {"Llama 3 70B", "Llama 3.1 405B Instruct"} <= set(found["Llama"].aliases)
    assert "Mixtral 8x22B" in found["Mixtral"].aliases
    assert "Gemma 2 9B" in found["Gemma"].aliases
    assert "Nemotron-4 340B Reward" in found["Nemotron-4"].aliases
    assert found["Nemotron-4 340B Technical Report"].kind == "paper"
    for fragment in ("Reward", "Instruct", "Nemotron-4 340B Technical", "70B", "8x22B"):
        assert fragment not in found


def test_the_plural_of_an_i_product_is_the_product():
    found = names_of(issue("Only recent iPhones and iPads run it; the iPhone 15 Pro does, and iOS 18 ships it.\n"))
    assert "iPhones" in found["iPhone"].aliases and "iPads" in found["iPad"].aliases
    assert "iPhones" not in found and "iO" not in found


def test_a_citation_without_its_year_names_its_author_and_a_surname_may_be_a_word():
    """"Lepikhin et al." names the first author; with its year it is a paper too. Before "et al." a word is a surname
    ("Sun", "Brown")."""
    found = names_of(issue("As Lepikhin et al. showed, sharding works. Sun et al. propose a fix that "
                           "Brown et al. (2020) had hinted at.\n"))
    assert found["Lepikhin"].kind == found["Sun"].kind == "person"
    assert found["Brown et al. (2020)"].kind == "paper"
    assert not any(name.startswith(("Lepikhin et al", "Sun et al")) for name in found)


def test_a_licence_is_no_entity_and_a_release_adjective_is_no_part_of_a_name():
    found = names_of(issue(
        "The weights ship under an MIT license and the code is Apache 2.0-licensed. Duke University licensed it "
        "to a startup.\n\n"
        "[Introducing Computer Use, a New Claude 3.5 Sonnet, and Claude 3.5 Haiku](https://www.anthropic.com/news/x)"
        "\n\nThe New York Times and the New England Journal of Medicine covered it.\n"))
    assert "MIT" not in found and "Apache" not in found
    assert "Duke University" in found
    assert "Claude 3.5 Sonnet" in found["Claude"].aliases and not any(n.startswith("New Claude") for n in found)
    assert {"The New York Times", "New England Journal of Medicine"} <= set(found)


def test_a_headline_linked_to_its_site_is_news_not_a_paper():
    """A Title Case link to the site of the name it opens is a post: titled ("Attention Is All You Need") it is a
    paper, but a headline whose verb stands between names is news."""
    found = names_of(issue(
        "- [Meta Releases Quantized Llama 3.2 Models for Mobile](https://ai.meta.com/blog/quantized-llama/)\n"
        "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"))
    assert found["Attention Is All You Need"].kind == "paper"
    assert not any(name.startswith("Meta Releases") for name in found)
    assert "Meta" in found


def test_german_prose_keeps_its_nouns_out_of_names():
    """German capitalises its nouns: job titles ("Gründer", "Binnenmarktkommissar", "EU-Präsidentin") and opening
    articles are no part of a name, "der" joins nouns only to a body's head, "für" and "und" join a body's name, and
    a German text's lone nouns are no names."""
    text = ("Gestern kündigte Gründer Jonas Andrulis an, dass Aleph Alpha sich neu ausrichtet. Am Morgen kam der "
            "Rücktritt von Binnenmarktkommissar Thierry Breton. Gestern sprach EU-Präsidentin Ursula von der Leyen "
            "über die Pläne. Das Bundesministerium für Bildung und Forschung zahlt für das Projekt. Die Bundesnetzagentur "
            "prüft die Regeln. Das Ergebnis ist ein Abschluss.\n\nDer Bericht kommt im Herbst.\n")
    found = names_of(issue(text))
    for name in ("Jonas Andrulis", "Thierry Breton", "Ursula von der Leyen", "Bundesministerium für Bildung und Forschung"):
        assert name in found, name
    assert found["Bundesnetzagentur"].kind == "organization"
    for junk in ("Gründer Jonas Andrulis", "Morgen der Rücktritt", "Rücktritt", "Abschluss", "Bericht", "Ergebnis"):
        assert junk not in found, junk


def test_a_lower_case_tier_after_a_models_name_is_part_of_it():
    found = names_of(issue("OpenAI launched GPT-4o mini, cheaper than GPT-4o. The mini model is fast; a Mac mini "
                           "runs it.\n"))
    assert found["GPT-4o mini"].kind == "model" and "GPT-4o" in found
    assert "Mac mini" not in found


def test_a_code_name_a_benchmarks_variant_and_a_general_companys_name_stay_whole():
    found = names_of(issue("We served it with llama.cpp and whisper.cpp. It scored 49% on SWE-bench Verified, up from "
                           "SWE-bench Lite. General Motors and General Electric cut jobs. General Mark Milley spoke.\n"))
    assert found["llama.cpp"].kind == found["whisper.cpp"].kind == "library"
    assert "SWE-bench Verified" in found and "Verified" not in found and "Lite" not in found
    assert {"General Motors", "General Electric", "Mark Milley"} <= set(found) and "General Mark Milley" not in found


def test_a_headline_with_a_lower_case_code_name_is_still_a_headline():
    found = names_of(issue("[Run GGUF Models Locally With llama.cpp and Ollama](https://github.com/ggerganov/llama.cpp)"
                           "\nA quick guide to quantization formats and the server endpoint.\n"))
    assert {"GGUF", "llama.cpp", "Ollama"} <= set(found)
    assert not [n for n in found if "Locally" in n]


def test_a_well_known_thing_is_no_surname_of_a_person_the_issue_names():
    found = names_of(issue("Nvidia unveiled the Blackwell GPU platform, named after the mathematician David Harold "
                           "Blackwell. Blackwell ships this year.\n"))
    assert found["Blackwell"].kind == "product" and found["David Harold Blackwell"].kind == "person"


def test_a_romance_of_after_a_things_name_starts_another_name_and_an_opening_word_is_no_part_of_one():
    found = names_of(issue("A xAI de Elon Musk apresentou o Grok 3. O Google liberou o Gemini. Segundo Rodrigo "
                           "Nogueira, o modelo é bom. A IA da Meta treina com dados da Universidade de São Paulo. "
                           "Intanto Spotify usa Claude di Anthropic. Eles conheceram Gerald de Melo e Luiz Inácio Lula "
                           "da Silva.\n"))
    assert {"xAI", "Elon Musk", "Google", "Rodrigo Nogueira", "Meta", "Universidade de São Paulo", "Spotify",
            "Claude", "Anthropic", "Gerald de Melo", "Luiz Inácio Lula da Silva"} <= set(found)
    assert not [n for n in found if n.startswith(("O ", "Segundo", "Intanto", "da ")) or " de E" in n or " di " in n]


def test_a_heading_in_capitals_names_only_what_the_text_names_elsewhere():
    body = ("GROK 3 E O COLOSSUS\n\nA xAI treinou o Grok 3 no Colossus, em Memphis.\n\n"
            "ANPD ABRE CONSULTA SOBRE DADOS\n\nA ANPD quer ouvir a sociedade sobre o uso de dados.\n\n"
            "O RESTO DO MUNDO\n\nNo BLUEX, o resto ficou para trás.\n")
    found = names_of(issue(body))
    assert {"Colossus", "ANPD", "Grok 3"} <= {e.name for e in found.values()} | {a for e in found.values()
                                                                                for a in e.aliases}
    assert not [n for n in found if n.casefold() in ("e o colossus", "abre", "consulta", "resto", "mundo")
                or "ABRE" in n or "RESTO" in n]


def test_a_well_known_company_before_its_well_known_product_is_two_names():
    found = names_of(issue("Labs rent Nvidia H100 chips and NVIDIA Blackwell racks. Google Gemini and Google Translate "
                           "and Meta AI grew.\n"))
    assert {"Nvidia", "H100", "Blackwell", "Google", "Gemini", "Google Translate", "Meta AI"} <= set(found)
    assert "Nvidia H100" not in found and "Google Gemini" not in found


def test_laws_are_named_by_their_heads_and_officials_titles_and_initials_are_read_as_such():
    found = names_of(issue("Korea passed the AI Basic Act and Brussels withdrew the AI Liability Directive. Baroness "
                           "Beeban Kidron, MEP Axel Voss and Delegate Michelle Maldonado objected. TSMC CEO C.C. Wei "
                           "did not. The A.I. Bot replied.\n"))
    assert found["AI Basic Act"].kind == found["AI Liability Directive"].kind == "other"
    assert {"Beeban Kidron", "Axel Voss", "Michelle Maldonado", "C.C. Wei"} <= set(found)
    assert not [n for n in found if n.startswith(("Baroness", "MEP", "Delegate", "A.I."))] and "Wei" not in found


def test_a_bodys_name_takes_the_romance_particles_of_the():
    found = names_of(issue("A Fundação de Amparo à Pesquisa do Estado de São Paulo paga. A Câmara dos Deputados vota. "
                           "Fomos à Universidade de Lisboa. La Società Italiana degli Autori protesta.\n"))
    assert {"Fundação de Amparo à Pesquisa do Estado de São Paulo", "Câmara dos Deputados", "Universidade de Lisboa",
            "Società Italiana degli Autori"} <= set(found)
    assert not [n for n in found if n.startswith("Fomos")]


def test_a_well_known_name_after_and_is_another_name_and_funding_rounds_are_no_names():
    body = ("The benchmark was built by the Center for AI Safety and Scale AI. Harbor raised a $40M Series B led by "
            "Index Ventures, after a Series A from Sequoia Capital. The Food and Drug Administration approved it.\n")
    found = names_of(issue(body))
    assert {"Center for AI Safety", "Scale AI", "Food and Drug Administration", "Index Ventures"} <= set(found)
    assert not {"Center for AI Safety and Scale AI", "Series A", "Series B"} & set(found)


def test_a_dutch_issue_names_bodies_without_their_articles_demonyms_titles_or_compound_nouns():
    body = ("De Europese Commissie houdt vast aan haar plannen voor de regels. Het Amsterdamse Weaviate haalde geld op "
            "bij Index Ventures. Volgens de Nederlandse toezichthouder gebruiken steeds meer Nederlanders apps als ChatGPT "
            "en Le Chat. Critici, onder wie Tweede Kamerlid Lotte van Dijk-de Jong, wijzen op het AiNed-programma en de "
            "Mistral-modellen die op Instagram-foto's zijn getraind. De Vries verwacht dat het GPT-NL-model wint.\n"
            "The Dutch railway Nederlandse Spoorwegen runs trains in the Netherlands, says Dan Barnes.\n")
    found = names_of(issue(body))
    assert {"Europese Commissie", "Weaviate", "Index Ventures", "Lotte van Dijk-de Jong", "AiNed", "Mistral",
            "Instagram", "GPT-NL", "De Vries", "Nederlandse Spoorwegen", "Dan Barnes"} <= set(found)
    assert not {"De Europese Commissie", "Het Amsterdamse Weaviate", "Nederlandse", "Nederlanders", "Volgens",
                "Mistral-modellen", "AiNed-programma", "GPT-NL-model", "Tweede Kamerlid Lotte van Dijk-de Jong"} & set(found)


def test_a_start_up_named_by_an_ordinary_word_is_a_name_where_a_round_or_a_sale_says_so():
    body = ("* Tiller -- $8M seed from Conviction, with General Catalyst.\n"
            "* Orchard (Munich): EUR 12M Series A led by Lakestar.\n"
            "Sparrow, which builds agents for insurers, raised $14M. Databricks agreed to acquire Lattice for cash. "
            "Also: a $3M pre-seed round in Kettle.\n"
            "Price: $20 per month. Total -- $30M in seed rounds this week. Readers can buy Premium for $5. A tiller "
            "steers; an orchard grows.\n")
    found = names_of(issue(body))
    assert {"Tiller", "Conviction", "General Catalyst", "Orchard", "Sparrow", "Lattice", "Kettle"} <= set(found)
    assert found["Tiller"].kind == found["Sparrow"].kind == "organization"
    assert not {"Price", "Total", "Premium", "Catalyst"} & set(found)


def test_a_round_in_any_currency_or_without_a_sum_names_its_start_up_and_a_person_who_funds_stays_a_person():
    body = ("Lantern -- GBP 5M seed round for robot arms. Quarry closed a Series A led by Conviction. Ferry landed an "
            "oversubscribed seed round. The lab got its first funding from Jaan Tallinn. A ferry floats.\n")
    found = names_of(issue(body))
    assert {"Lantern", "Quarry", "Conviction", "Ferry", "Jaan Tallinn"} <= set(found)
    assert found["Lantern"].kind == found["Quarry"].kind == found["Conviction"].kind == "organization"
    assert found["Jaan Tallinn"].kind == "person"


def test_a_firm_of_partners_is_one_name_where_listed_or_where_a_firm_suffix_ends_it():
    body = ("The authors hired Latham & Watkins, then Boies & Saveri LLP; Wilson Sonsini advised. Nivin & Kao "
            "wrote the survey.\n")
    found = names_of(issue(body))
    assert {"Latham & Watkins", "Boies & Saveri LLP", "Wilson Sonsini", "Nivin", "Kao"} <= set(found)
    assert found["Wilson Sonsini"].kind == "organization"
    assert not {"Latham", "Watkins", "Nivin & Kao"} & set(found)


def test_a_head_keeps_the_word_before_it_at_a_sentence_start_and_a_short_line_of_sentences_is_no_headline():
    for body in ("Imperial College London said it agreed.\n",
                 "- Wale defended his PhD at Imperial College London! Thanks, everyone 🎉\n"):
        found = names_of(issue(body))
        assert "Imperial College London" in found
        assert "College London" not in found


def test_an_agency_acronym_may_open_a_body_named_by_its_fields():
    body = ("The grant came from an NSF Science and Technology Center and the U.S. National Oceanic and Atmospheric "
            "Administration. IBM Research and Microsoft Research agreed.\n")
    found = names_of(issue(body))
    assert {"NSF Science and Technology Center", "U.S. National Oceanic and Atmospheric Administration",
            "IBM Research", "Microsoft Research"} <= set(found)
    assert not {"NSF Science", "Technology Center", "Atmospheric Administration"} & set(found)


def test_someone_known_by_a_handle_is_a_person_and_a_handle_beside_a_name_is_its_alias():
    body = ("Thanks to @kenta-hoshi for the CI fixes. Rita Monteiro (@rita-m on GitHub) and our own Leila Haddad "
            "judged; write to Leila (@leilahaddad on X). The Stanford Institute for Human-Centered AI (@StanfordHAI) "
            "opened. Mail team@example.com. Seen at CNBC's @Work conference. Follow us on X: @bytes_weekly.\n"
            "Rita Monteiro and @rita-m shipped it; @rita-m wrote the docs, @rita-m the tests.\n")
    found = names_of(issue(body))
    assert {"kenta-hoshi", "Rita Monteiro", "Leila Haddad", "Stanford Institute for Human-Centered AI"} <= set(found)
    assert found["kenta-hoshi"].kind == "person" and "@kenta-hoshi" in found["kenta-hoshi"].aliases
    assert "rita-m" in found["Rita Monteiro"].aliases and "leilahaddad" in found["Leila Haddad"].aliases
    assert "StanfordHAI" in found["Stanford Institute for Human-Centered AI"].aliases
    assert not {"rita-m", "Leila", "leilahaddad", "StanfordHAI", "example.com", "Work", "bytes_weekly"} & set(found)


def test_affiliation_marks_are_no_part_of_names_and_a_colour_after_a_given_name_is_a_surname():
    body = ("**Kevin Black¹, Chelsea Finn¹², Sergey Levine¹³** (¹Physical Intelligence, ²Stanford, ³UC Berkeley) "
            "cite M²LInES. Jack White met Nvidia Black engineers.\n")
    found = names_of(issue(body))
    assert {"Kevin Black", "Chelsea Finn", "Sergey Levine", "Physical Intelligence", "Stanford", "UC Berkeley",
            "M²LInES", "Jack White", "Nvidia"} <= set(found)
    assert not {"Kevin", "Chelsea Finn¹²", "³UC Berkeley", "MLInES", "Nvidia Black"} & set(found)


def test_a_heading_over_one_paper_link_is_the_paper_and_a_section_of_links_is_not():
    body = ("## 1. Cheap Hallucination Detection from Attention Entropy\n\n**Ana Ruiz** (ETH Zurich)\n\n"
            "It works well. arXiv: https://arxiv.org/abs/2609.01234v2\n\n"
            "## 🔎 ML Research: Mixture-of-Depths Explained Here\n\nhttps://arxiv.org/abs/2404.02258\n\n"
            "## Also Noted This Week\n\n- https://arxiv.org/abs/2609.1 and https://arxiv.org/abs/2609.2\n\n"
            "## Tools and Datasets of the Week\n\n[A](https://arxiv.org/abs/2609.3), [B](https://b.io), "
            "[C](https://c.io), [D](https://d.io)\n")
    found = names_of(issue(body))
    assert found["Cheap Hallucination Detection from Attention Entropy"].kind == "paper"
    assert not {"Also Noted This Week", "Tools and Datasets of the Week"} & set(found)
    assert not any("ML Research" in name for name in found)


def test_an_adjective_no_dictionary_holds_goes_on_with_a_body_named_by_its_fields():
    body = ("The FDA's Center for Devices and Radiological Health (CDRH) cleared it. The Allen Institute for AI and "
            "Facebook Research agreed, as did Arizona State University and Columbia University.\n")
    found = names_of(issue(body))
    assert {"Center for Devices and Radiological Health", "Allen Institute for AI", "Facebook Research",
            "Arizona State University", "Columbia University"} <= set(found)
    assert "CDRH" in found["Center for Devices and Radiological Health"].aliases
    assert not {"Center for Devices", "Radiological Health"} & set(found)


def test_a_link_to_a_doctor_names_the_person_without_the_title():
    found = names_of(issue("Work by [Dr. Axel Krieger](https://hopkins.edu/krieger)’s lab and [Dr. Dre](https://x.com/d).\n"))
    assert {"Axel Krieger", "Dr. Dre"} <= set(found)
    assert "Dr. Axel Krieger" not in found


def test_a_well_known_word_that_opens_a_sentence_is_a_name_when_it_acts_and_apis_and_protocols_are_named():
    body = ("Runway released a video model on Monday. Chrome follows in version 146. Zoom in on the chart below. "
            "It works against the Messages API and speaks the Agent Client Protocol. Use the API with care. The team "
            "moved from Windsurf to Cursor.\n")
    found = names_of(issue(body))
    assert {"Runway", "Chrome", "Messages API", "Agent Client Protocol", "Cursor"} <= set(found)
    assert found["Messages API"].kind == "product" and found["Agent Client Protocol"].kind == "other"
    assert not {"Zoom", "API", "Use"} & set(found)


def test_whom_a_body_serves_and_a_leading_great_are_part_of_its_name():
    body = ("Great Ormond Street Hospital’s evaluation is out. She moved to Brigham and Women's Hospital, then to "
            "the National People's Congress. Great news from Anthropic today. Georgetown University's Center for "
            "Security and Emerging Technology agreed.\n")
    found = names_of(issue(body))
    assert {"Great Ormond Street Hospital", "Brigham and Women's Hospital", "National People's Congress",
            "Georgetown University", "Center for Security and Emerging Technology", "Anthropic"} <= set(found)
    assert not {"Ormond Street Hospital", "Brigham", "Great news", "Great"} & set(found)
    assert not any(n.startswith("Georgetown University's") for n in found)


def test_an_acronym_ending_in_s_is_no_plural_of_a_generic_one_and_a_country_before_an_agency_is_not_its_name():
    body = ("One talk at AMS I keep thinking about: the US DOE's Genesis Mission. We redesigned the UIs and merged PRs "
            "with new GPUs. The UK AISI agreed, as the EU AI Act says.\n")
    found = names_of(issue(body))
    assert {"AMS", "DOE", "US", "AISI", "EU AI Act", "Genesis Mission"} <= set(found)
    assert not {"AMS I", "US DOE", "UIs", "UI", "PRs", "GPUs"} & set(found)


def test_an_acronym_loses_one_plural_s_only():
    # "MASS" is no plural of the generic "MA", as "GPUS" is of "GPU".
    body = "Microsoft Research Asia introduced MASS, a pre-training method, and bought more GPUS for it.\n"
    found = names_of(issue(body))
    assert "MASS" in found
    assert not {"GPUS", "GPU"} & set(found)


def test_a_court_case_is_named_by_its_caption_and_a_comparison_is_not():
    body = ("In Bartz v. Anthropic, Judge William Alsup ruled on fair use. Getty Images v Stability AI went to the "
            "Court of Appeal. We compared CrewAI vs. LangGraph for agents.\n")
    found = names_of(issue(body))
    assert {"Bartz v. Anthropic", "Getty Images v Stability AI", "Anthropic", "Stability AI", "CrewAI"} <= set(found)
    assert found["Bartz v. Anthropic"].kind == "other"
    assert not any(" vs" in n for n in found)


def test_a_code_of_two_capitals_and_digits_names_a_thing_and_a_size_or_number_format_does_not():
    body = ("Oracle confirmed racks with MI450 parts, on N2P at the D1X fab. The card has 40GB of memory and trains "
            "in BF16 or FP8.\n")
    found = names_of(issue(body))
    assert {"MI450", "N2P", "D1X", "Oracle"} <= set(found)
    assert not {"40GB", "BF16", "FP8"} & set(found)


def test_quantities_fiscal_periods_and_a_mixtures_sizes_are_no_entities():
    found = names_of(issue(
        "Alibaba shipped Qwen3.5, from 0.8B up to 397B-A17B; the 35B-A3B is the one to run. OpenAI's first 1GW tranche "
        "starts in Q4. Blackstone is buying a 600MW site from Dominion Energy, and Nvidia printed a record FY26 with "
        "40GB cards left over.\n"))
    assert {"Alibaba", "OpenAI", "Dominion Energy", "Nvidia"} <= set(found)
    for quantity in ("397B-A17B", "35B-A3B", "1GW", "600MW", "FY26", "40GB"):
        assert quantity not in found


_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_mentions = st.builds(Mention, st.sampled_from(["a.md", "b.md", "c/d.txt"]), _texts, _texts)


@given(st.lists(st.builds(Entity, _texts, _texts, st.sampled_from(["person", "organization", "other"]),
                          st.lists(_texts, max_size=3).map(tuple), st.none() | _texts,
                          st.lists(_mentions, max_size=6).map(tuple), st.lists(_texts, max_size=2).map(tuple)),
                max_size=6))
def test_a_stored_merge_gives_back_the_very_entities_it_was_given(entities):
    """mentions.StoredMerge keeps a merge's entities as JSON, the strings mentions repeat in tables."""
    import json
    from vaultgen.mentions import entities_from_record, entities_record
    text = json.dumps(entities_record(entities), ensure_ascii=False)
    assert entities_from_record(json.loads(text)) == entities


def test_x_is_the_platform_where_the_text_posts_on_it_and_a_lone_letter_elsewhere_is_no_name():
    posted = names_of(issue("Sam Altman posted the bare URL on X on Friday. @hannah_codes (X) ran the replication."),
                      issue("Elon Musk replied on X that they don't.", source="b.md"))
    assert posted["X"].kind == "product" and {m.source for m in posted["X"].mentions} == {"a.md", "b.md"}
    elsewhere = names_of(issue("Tesla Model X and X-energy met OpenGPT-X. Plan X and Project X failed. Chapter X. "
                               "Generation X votes, and X marks the spot."),
                         issue("Plan X again, and Project X.", source="b.md"))
    assert "X" not in elsewhere


def test_a_bill_is_named_by_its_number_and_is_no_version_of_its_chamber():
    found = names_of(issue("Governor Gavin Newsom vetoed SB 1047, then signed SB 53. Virginia's HB 2094 died, and "
                           "the House passed H.R. 6120. Judge Stephanos Bibas ruled on Tuesday."),
                     issue("SB 53 reports are due in June.", source="b.md"))
    assert {"SB 1047", "SB 53", "HB 2094", "H.R. 6120"} <= found.keys() and "SB" not in found and "HB" not in found
    assert found["SB 53"].kind == "other" and found["Stephanos Bibas"].kind == "person"
    assert {m.source for m in found["SB 53"].mentions} == {"a.md", "b.md"}


def test_well_known_names_written_in_lower_case_are_found_as_written():
    found = names_of(issue("Hugging Face's smolagents is the one I use, with scikit-learn and timm. SK hynix shipped "
                           "HBM4 to Nvidia. The pandas at the zoo ate; see fastai.com for the course."))
    assert {"smolagents", "scikit-learn", "timm", "SK hynix"} <= found.keys()
    assert found["smolagents"].kind == "library" and found["SK hynix"].kind == "organization"
    assert not {"pandas", "fastai", "SK"} & found.keys()


def test_a_name_set_in_bold_to_lead_its_item_is_no_sentence_start_and_a_bold_line_is_a_heading():
    found = names_of(issue("**Klarna** keeps being the cautionary tale: the agent handles two-thirds of chats.\n\n"
                           "***Measuring Compositional Generalization***\n\nGoogle released a dataset for it."))
    assert "Klarna" in found and not any(n.startswith("Measuring") for n in found)
    plain = names_of(issue("Klarna keeps being the cautionary tale: the agent handles two-thirds of chats."))
    assert "Klarna" not in plain  # one unbolded sentence start says nothing


def test_a_listed_name_opening_with_a_generic_acronym_or_written_with_accents_is_whole():
    found = names_of(issue("Researchers at ETH Zurich did it, and the ETH Zürich group ran HMMT. "
                           "AI Researchers cheered."))
    assert {"ETH Zurich"} <= found.keys() and found["ETH Zurich"].kind == "organization"
    assert not {"Zurich", "Zürich", "AI Researchers"} & found.keys()


def test_a_list_item_in_sentence_case_is_a_sentence_without_its_full_stop():
    names = names_of(issue("""### Funding

- **Reflection AI** raises $2B to train open frontier models
- **Periodic Labs** raises another $200M for autonomous materials labs ([link](https://periodic.com/news))

### Jobs

- **Posit** — Senior Software Engineer, control plane (remote)
"""))
    assert {"Reflection AI", "Periodic Labs"} <= set(names)
    assert "Software Engineer" not in names and "Senior Software Engineer" not in names


def test_a_chapters_time_is_not_the_start_of_its_title():
    names = names_of(issue("## Chapters\n\n- [00:00:00] Intro\n- [00:12:41] Why Mistral bet on open weights\n"
                           "- [00:13:20] The R1 moment and the environment gold rush\n"))
    assert "Why Mistral" not in names and "The R1" not in names and "R1" in names


def test_an_article_or_an_elided_article_opening_a_sentence_in_another_language_is_no_part_of_the_name():
    names = names_of(issue("Le GENCI a confirmé la date. L’INESIA publie son rapport. La CNIL veille. "
                           "El CSIC y la UNAM firmaron. Le Monde a publié l’enquête. L'Oréal aussi."))
    assert {"GENCI", "INESIA", "CNIL", "CSIC", "UNAM"} <= set(names)
    assert not {"Le GENCI", "L’INESIA", "La CNIL", "El CSIC"} & set(names)
    assert "Oréal" not in names   # a name, not an article, before a word that is not an acronym


def test_a_european_institution_written_with_one_capital_is_whole():
    names = names_of(issue("La Commission européenne et le Parlement européen ont tranché; la Cour des comptes aussi. "
                           "Le ministère de l’Éducation nationale suit."))
    assert {"Commission européenne", "Parlement européen", "Cour des comptes"} <= set(names)
    assert names["Commission européenne"].kind == "organization" and "l’Éducation" not in names
