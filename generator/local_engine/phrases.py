"""The only text the local engine adds that is not the article's: the hook's promises, the closing lines, the call
to action, the source link and the labels and marks the structures put in front of the article's sentences, in
each language the engine writes, and a neutral set of marks (🧵) for any other.

Kept together so tests and translators see every phrase in one place (`fixed_phrases`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.domain import Article, ThreadOptions, Tone
from generator.language import article_language

# The same in every language.
HOWTO_MARK, TIP_MARK = "{number}.", "→"


@dataclass(frozen=True)
class Phrases:
    summary: Mapping[Tone, str]  # the summary's promise, one per tone
    promises: Mapping[str, str]  # the other structures' promises; "{count}" is the number of items
    hot_take_prefix: str
    closings: Mapping[Tone, str]
    hot_take_closing: str
    cta: str
    cta_alternate: str
    source_link: str
    news_labels: tuple[str, str, str, str]  # what happened, the details, why it matters, what's next
    case_labels: tuple[str, str, str]
    # Q/A questions by what the answer says: "about" (the opening), "matters", "next", "advice", "numbers",
    # "voices" (who says what), "else", "takeaway" (the last answer)
    questions: Mapping[str, str]
    question_mark: str
    answer_mark: str
    rewrite_question: str  # the "question" rewrite of a tweet; "{topic}" is the word it is about

    def promise(self, structure: str, tone: Tone, count: int) -> str:
        """The hook's one-line promise for this structure (in the tone's wording for a summary)."""
        wording = self.promises.get(structure)
        return wording.format(count=count) if wording else self.summary[tone]

    def all(self) -> list[str]:
        return [
            *self.summary.values(),
            *self.promises.values(),
            self.hot_take_prefix,
            *(closing for closing in self.closings.values() if closing),
            self.hot_take_closing,
            self.cta,
            self.cta_alternate,
            self.source_link,
            *self.news_labels,
            *self.case_labels,
            *self.questions.values(),
            *(mark for mark in (self.question_mark, self.answer_mark) if mark),
            self.rewrite_question,
        ]


QUESTION_KEYS = ("about", "matters", "next", "advice", "numbers", "voices", "else", "takeaway")


def _questions(*questions: str) -> dict[str, str]:
    return dict(zip(QUESTION_KEYS, questions, strict=True))


def _tones(neutral: str, casual: str, professional: str, witty: str, inspiring: str) -> dict[Tone, str]:
    return dict(zip(Tone, (neutral, casual, professional, witty, inspiring), strict=True))


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        summary=_tones(
            "Here are the key points 👇",
            "Here's the gist 👇",
            "The key takeaways 👇",
            "The short version, minus the fluff 👇",
            "Ideas worth keeping 👇",
        ),
        promises={
            "howto": "How to do it, step by step 👇",
            "tips": "{count} practical tips 👇",
            "story": "Here's the story 👇",
            "news": "What happened, and why it matters 👇",
            "case": "A case study: the problem, the approach, the results 👇",
            "hottake": "Here's why 👇",
            "qa": "Your questions, answered 👇",
        },
        hot_take_prefix="Hot take:",
        closings=_tones(
            "",
            "That's a wrap!",
            "Those are the key takeaways.",
            "And that's the long story, short.",
            "Now go put it to work.",
        ),
        hot_take_closing="Agree or disagree?",
        cta="If this was useful, follow for more and share the first tweet.",
        cta_alternate="Found this helpful? Follow for more, and share the first tweet so others see it too.",
        source_link="Read the full article: {url}",
        news_labels=("What happened:", "The details:", "Why it matters:", "What's next:"),
        case_labels=("The situation:", "What they did:", "The results:"),
        questions=_questions(
            "What's this about?",
            "Why does it matter?",
            "What happens next?",
            "What should you do?",
            "What do the numbers say?",
            "Who says what?",
            "What else should you know?",
            "What's the takeaway?",
        ),
        question_mark="Q:",
        answer_mark="A:",
        rewrite_question="{topic}: what should you know?",
    ),
    "de": Phrases(
        summary=_tones(
            "Das Wichtigste im Überblick 👇",
            "Kurz und knapp 👇",
            "Die wichtigsten Erkenntnisse 👇",
            "Die Kurzfassung, ohne Ballast 👇",
            "Gedanken, die bleiben 👇",
        ),
        promises={
            "howto": "So geht's, Schritt für Schritt 👇",
            "tips": "{count} praktische Tipps 👇",
            "story": "Die Geschichte dahinter 👇",
            "news": "Was passiert ist und warum es zählt 👇",
            "case": "Eine Fallstudie: Problem, Ansatz, Ergebnisse 👇",
            "hottake": "Und zwar deshalb 👇",
            "qa": "Eure Fragen, beantwortet 👇",
        },
        hot_take_prefix="Steile These:",
        closings=_tones(
            "",
            "Das war's!",
            "Das sind die wichtigsten Erkenntnisse.",
            "Lange Rede, kurzer Sinn.",
            "Jetzt seid ihr dran.",
        ),
        hot_take_closing="Seht ihr das auch so?",
        cta="Wenn das hilfreich war: Folgt mir für mehr und teilt den ersten Tweet.",
        cta_alternate="Hilfreich? Folgt mir für mehr und teilt den ersten Tweet, damit ihn auch andere sehen.",
        source_link="Der ganze Artikel: {url}",
        news_labels=("Was passiert ist:", "Die Details:", "Warum es zählt:", "Wie es weitergeht:"),
        case_labels=("Die Ausgangslage:", "Was sie getan haben:", "Die Ergebnisse:"),
        questions=_questions(
            "Worum geht es?",
            "Warum ist das wichtig?",
            "Wie geht es weiter?",
            "Was sollte man tun?",
            "Was sagen die Zahlen?",
            "Wer sagt was?",
            "Was sollte man noch wissen?",
            "Was bleibt hängen?",
        ),
        question_mark="F:",
        answer_mark="A:",
        rewrite_question="{topic}: Was muss man wissen?",
    ),
    "fr": Phrases(
        summary=_tones(
            "L'essentiel en quelques points 👇",
            "En bref 👇",
            "Les points clés à retenir 👇",
            "La version courte, sans blabla 👇",
            "Des idées à garder 👇",
        ),
        promises={
            "howto": "Comment faire, étape par étape 👇",
            "tips": "{count} conseils pratiques 👇",
            "story": "Voici l'histoire 👇",
            "news": "Ce qui s'est passé, et pourquoi c'est important 👇",
            "case": "Étude de cas : le problème, l'approche, les résultats 👇",
            "hottake": "Voici pourquoi 👇",
            "qa": "Vos questions, nos réponses 👇",
        },
        hot_take_prefix="Avis tranché :",
        closings=_tones(
            "",
            "Et voilà !",
            "Voilà les points clés à retenir.",
            "Bref, la version courte d'une longue histoire.",
            "À vous de jouer.",
        ),
        hot_take_closing="D'accord ou pas ?",
        cta="Si ce fil vous a été utile, abonnez-vous pour la suite et partagez le premier tweet.",
        cta_alternate="Utile ? Abonnez-vous pour la suite, et partagez le premier tweet pour qu'il circule.",
        source_link="L'article complet : {url}",
        news_labels=(
            "Ce qui s'est passé :",
            "Les détails :",
            "Pourquoi c'est important :",
            "La suite :",
        ),
        case_labels=("La situation :", "Ce qu'ils ont fait :", "Les résultats :"),
        questions=_questions(
            "De quoi s'agit-il ?",
            "Pourquoi est-ce important ?",
            "Et ensuite ?",
            "Que faut-il faire ?",
            "Que disent les chiffres ?",
            "Qui dit quoi ?",
            "Que faut-il savoir d'autre ?",
            "Qu'en retenir ?",
        ),
        question_mark="Q :",
        answer_mark="R :",
        rewrite_question="{topic} : que faut-il savoir ?",
    ),
    "es": Phrases(
        summary=_tones(
            "Los puntos clave 👇",
            "Resumiendo 👇",
            "Las conclusiones clave 👇",
            "La versión corta, sin relleno 👇",
            "Ideas para quedarse 👇",
        ),
        promises={
            "howto": "Cómo hacerlo, paso a paso 👇",
            "tips": "{count} consejos prácticos 👇",
            "story": "Esta es la historia 👇",
            "news": "Qué pasó y por qué importa 👇",
            "case": "Un caso práctico: el problema, el enfoque, los resultados 👇",
            "hottake": "Te explico por qué 👇",
            "qa": "Tus preguntas, respondidas 👇",
        },
        hot_take_prefix="Opinión polémica:",
        closings=_tones(
            "",
            "¡Y eso es todo!",
            "Esas son las conclusiones clave.",
            "Y colorín colorado, este hilo se ha acabado.",
            "Ahora, a ponerlo en práctica.",
        ),
        hot_take_closing="¿De acuerdo o no?",
        cta="Si te ha resultado útil, sígueme para más y comparte el primer tuit.",
        cta_alternate="¿Te ha servido? Sígueme para más y comparte el primer tuit para que llegue a más gente.",
        source_link="El artículo completo: {url}",
        news_labels=("Qué pasó:", "Los detalles:", "Por qué importa:", "Qué sigue:"),
        case_labels=("La situación:", "Qué hicieron:", "Los resultados:"),
        questions=_questions(
            "¿De qué se trata?",
            "¿Por qué importa?",
            "¿Qué viene ahora?",
            "¿Qué conviene hacer?",
            "¿Qué dicen las cifras?",
            "¿Quién dice qué?",
            "¿Qué más hay que saber?",
            "¿Con qué nos quedamos?",
        ),
        question_mark="P:",
        answer_mark="R:",
        rewrite_question="{topic}: ¿qué hay que saber?",
    ),
    "pt": Phrases(
        summary=_tones(
            "Os pontos principais 👇",
            "Resumindo 👇",
            "As principais conclusões 👇",
            "A versão curta, sem enrolação 👇",
            "Ideias para guardar 👇",
        ),
        promises={
            "howto": "Como fazer, passo a passo 👇",
            "tips": "{count} dicas práticas 👇",
            "story": "Esta é a história 👇",
            "news": "O que aconteceu e por que importa 👇",
            "case": "Um estudo de caso: o problema, a abordagem, os resultados 👇",
            "hottake": "Explico o porquê 👇",
            "qa": "Suas perguntas, respondidas 👇",
        },
        hot_take_prefix="Opinião forte:",
        closings=_tones(
            "",
            "E é isso!",
            "Essas são as principais conclusões.",
            "Resumindo a longa história: é isso.",
            "Agora é pôr em prática.",
        ),
        hot_take_closing="Concorda ou discorda?",
        cta="Se foi útil, siga para mais conteúdos e compartilhe o primeiro tweet.",
        cta_alternate="Ajudou? Siga para mais e compartilhe o primeiro tweet para que mais gente veja.",
        source_link="O artigo completo: {url}",
        news_labels=("O que aconteceu:", "Os detalhes:", "Por que importa:", "O que vem a seguir:"),
        case_labels=("A situação:", "O que fizeram:", "Os resultados:"),
        questions=_questions(
            "Do que se trata?",
            "Por que isso importa?",
            "O que vem a seguir?",
            "O que fazer?",
            "O que dizem os números?",
            "Quem diz o quê?",
            "O que mais vale saber?",
            "O que fica?",
        ),
        question_mark="P:",
        answer_mark="R:",
        rewrite_question="{topic}: o que é preciso saber?",
    ),
    "it": Phrases(
        summary=_tones(
            "I punti chiave 👇",
            "In breve 👇",
            "Le conclusioni principali 👇",
            "La versione breve, senza fronzoli 👇",
            "Idee da tenere a mente 👇",
        ),
        promises={
            "howto": "Come fare, passo dopo passo 👇",
            "tips": "{count} consigli pratici 👇",
            "story": "Ecco la storia 👇",
            "news": "Cosa è successo e perché conta 👇",
            "case": "Un caso di studio: il problema, l'approccio, i risultati 👇",
            "hottake": "Ecco perché 👇",
            "qa": "Le vostre domande, le risposte 👇",
        },
        hot_take_prefix="Opinione forte:",
        closings=_tones(
            "",
            "Ecco fatto!",
            "Queste sono le conclusioni principali.",
            "Insomma, per farla breve.",
            "Ora tocca a voi.",
        ),
        hot_take_closing="D'accordo o no?",
        cta="Se ti è stato utile, seguimi per altri contenuti e condividi il primo tweet.",
        cta_alternate="Utile? Seguimi per altro e condividi il primo tweet, così lo vedono anche altri.",
        source_link="L'articolo completo: {url}",
        news_labels=("Cosa è successo:", "I dettagli:", "Perché conta:", "Cosa succede ora:"),
        case_labels=("La situazione:", "Cosa hanno fatto:", "I risultati:"),
        questions=_questions(
            "Di cosa si tratta?",
            "Perché è importante?",
            "Cosa succede ora?",
            "Cosa conviene fare?",
            "Cosa dicono i numeri?",
            "Chi dice cosa?",
            "Cos'altro sapere?",
            "Cosa ci portiamo a casa?",
        ),
        question_mark="D:",
        answer_mark="R:",
        rewrite_question="{topic}: cosa bisogna sapere?",
    ),
}

# For any other language: marks a reader understands without words, and no closing line.
NEUTRAL = Phrases(
    summary=_tones("🧵", "🧵", "🧵", "🧵", "🧵"),
    promises={},
    hot_take_prefix="🔥",
    closings=_tones("", "", "", "", ""),
    hot_take_closing="🤔",
    cta="🔁 🧵",
    cta_alternate="🔁 👆",
    source_link="🔗 {url}",
    news_labels=("📰", "🔎", "💡", "⏭️"),
    case_labels=("📍", "🛠️", "📈"),
    questions=_questions("❓", "💡", "⏭️", "✅", "🔢", "💬", "📌", "🏁"),
    question_mark="",
    answer_mark="→",
    rewrite_question="❓ {topic}?",
)


def engine_language(*, article: Article, options: ThreadOptions) -> str:
    """The code of the language the engine writes this thread in. When the person chose none, the text is too short
    to tell and the page declares nothing, that is English, as it always was: the neutral marks are for languages
    known to be others."""
    return article_language(article=article, options=options).code or "en"


def phrases_for(language: str) -> Phrases:
    """The phrases in `language` (a two-letter code), or the neutral marks when the engine does not write it."""
    return PHRASES.get(language, NEUTRAL)


def fixed_phrases(language: str = "en") -> list[str]:
    """Every piece of text the engine may add in this language that is not the article's: for tests and
    translators."""
    return [*phrases_for(language).all(), HOWTO_MARK, TIP_MARK, "…"]
