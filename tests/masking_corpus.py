"""A labelled corpus for the personal-data masker, generated here (seeded), in Spanish and English.

Every kind of personal data the masker handles appears in several sentence frames, and so does
ordinary text that looks like it: aircraft and model numbers, flight numbers, dates, date and time
ranges, prices, order and booking numbers, years, "I am <status or brand>" and "soy de <city>".
Each example is a text with its personal-data spans and their kind; the look-alikes have none.
Shared by ``tests/test_masking.py`` and ``benchmarks/masking.py``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Tag the masker writes for each kind of personal data.
TAGS = {
    "e-mail": "[e-mail]",
    "url": "[url]",
    "handle": "[handle]",
    "iban": "[account]",
    "card": "[card]",
    "curp": "[id]",
    "rfc": "[id]",
    "dni": "[id]",
    "nie": "[id]",
    "rut": "[id]",
    "cedula": "[id]",
    "ni": "[id]",
    "phone": "[tel.]",
    "number": "[number]",
    "name": "[name]",
}

VALUES = {
    "e-mail": ["ana.lopez@correo.com.mx", "j.smith+ba@gmail.com", "pedro_88@empresa.co", "mary@example.org"],
    "url": ["https://example.com/queja?id=3", "www.mibanco.mx/ayuda", "http://bit.ly/xyz12"],
    "handle": ["@ba_help", "@MiBancoMX", "@juanperez"],
    "iban": ["ES91 2100 0418 4502 0005 1332", "GB29NWBK60161331926819", "DE89 3704 0044 0532 0130 00"],
    "card": ["4111 1111 1111 1111", "5500-0000-0000-0004", "4012888888881881"],
    "curp": ["GOPJ800101HDFRRN09", "MAHL751212MDFRRS02"],
    "rfc": ["GOPJ800101AB1", "MAHL751212QW3"],
    "dni": ["12345678Z", "87654321-X"],
    "nie": ["X1234567L", "Y-7654321-G"],
    "rut": ["12.345.678-5", "9.876.543-K", "12345678-9"],
    "cedula": ["1.020.304.050", "79.456.123"],
    "ni": ["AB 12 34 56 C", "AB123456C", "JG 10 37 25 A", "AB 123456 C"],
    "phone": ["+52 55 1234 5678", "020 7946 0958", "612 345 678", "(55) 5555-1234", "+44 7700 900123"],
    "number": ["884421", "0012345", "7781234"],
    "name": ["John Smith", "María José", "Pedro", "Sarah", "Ana López"],
}

#: Sentence frames per kind, with ``{}`` where the value goes (Spanish, then English).
FRAMES = {
    "e-mail": ["Escríbanme a {} por favor", "please e-mail me at {} today", "mi correo es {}."],
    "url": ["vean {} para el detalle", "the form at {} never loads", "en {} no aparece nada"],
    "handle": ["les escribí a {} y nada", "tweeted {} twice, no answer", "sigo a {} desde hace años"],
    "iban": ["IBAN {} bloqueado", "refund to my account {} please", "mi cuenta {} tiene un cargo"],
    "card": ["con la tarjeta {} me cobraron dos veces", "card {} was charged twice", "tarjeta {} rechazada"],
    "curp": ["mi CURP {} está mal escrita", "they asked my CURP {} again"],
    "rfc": ["la factura salió con RFC {}", "RFC {} on the invoice is wrong"],
    "dni": ["DNI {} y aún así no me atendieron", "they asked for DNI {} at the desk"],
    "nie": ["con NIE {} no me dejan abrir cuenta", "my NIE {} was rejected"],
    "rut": ["mi RUT {} no aparece", "RUT {} was not found"],
    "cedula": ["con cédula {} me dijeron que no", "número de documento {} registrado"],
    "ni": ["my NI number is {} and nobody checked", "National Insurance {} wrong on the letter"],
    "phone": ["llámenme al {} en la tarde", "call me on {} after 5", "mi celular {} no recibe SMS"],
    "number": ["la póliza {} sigue abierta", "policy {} still open", "account {} frozen"],
    "name": [
        "Me llamo {} y nadie me atendió",
        "my name is {} and I waited",
        "Hola, soy {}, cliente",
        "I'm {}, a customer",
    ],
}

#: Ordinary text that looks like personal data; none of it is masked.
LOOK_ALIKES = [
    "on an older 747-400 with proper business class seats",
    "the 777-200 was dated but clean",
    "787-900 cabin was quiet",
    "A320-200 seats were cramped",
    "volé en un A330-300 muy viejo",
    "flight BA 2490 was delayed",
    "el vuelo IB6250 salió tarde",
    "flight LA800 to Santiago",
    "vuelo AV 0123 cancelado",
    "I am OneWorld Emerald and still waited",
    "I am Gold and nobody cared",
    "I'm Executive Club Silver",
    "I am British and flew from London",
    "soy de Lima y viajo seguido",
    "Soy Platinum desde hace años",
    "soy cliente desde 2015",
    "llegué el 12/03/2024 a las 10:30",
    "we flew 15-03-2024 and came back 2024-03-22",
    "stayed 12.03.2024 to 19.03.2024",
    "del 03/05/2024 al 10/05/2024 sin respuesta",
    "between 2019-2020 service was better",
    "en 2019 - 2020 todo iba bien",
    "open 9:00-18:00 but nobody answers",
    "de 10:30 a 12:00 en la fila",
    "waited from 14.15 to 16.40",
    "I paid $1,250.00 for this",
    "me cobraron $1.250.000 de comisión",
    "un pasaje de 1.250.000 pesos",
    "it cost €1,234.56 in total",
    "USD 2,500 for a broken seat",
    "pagué 350 000 COP por el cambio",
    "£ 89.99 for one bag",
    "pedido 4512378 sin entregar",
    "order #123456789 never arrived",
    "booking ref 8812345 lost",
    "reserva número 77123456 cancelada",
    "factura 20240315 con errores",
    "in 2023 it was fine",
    "años 1998 y 2024",
    "waited 45 minutes, 3 hours in total",
    "Llegué el 15 de marzo, 3 horas de espera",
    "row 23, seat 23A",
    "gate 14 then gate 32",
    "2 bags of 23 kg",
    "model XR-500 router keeps failing",
    "the 2023-24 season tickets",
    "horario 8-14 h de lunes a viernes",
    "vuelo LA 2301 del 05/06/2024",
    "I am Star Alliance Gold",
    "tarifa de $ 45.900 por maleta",
]


def corpus(seed: int = 0) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end, kind), …]) examples: every frame of every kind with each of its values
    (a seeded choice when there are more frames than values), two kinds together in one text, and
    every look-alike alone, after and before a personal-data sentence."""
    rng = np.random.default_rng(seed)
    examples: list[tuple[str, list[tuple[int, int, str]]]] = []

    def framed(kind: str, frame: str, value: str) -> tuple[str, list[tuple[int, int, str]]]:
        start = frame.index("{}")
        return frame.replace("{}", value), [(start, start + len(value), kind)]

    for kind, frames in FRAMES.items():
        for frame in frames:
            for value in VALUES[kind]:
                examples.append(framed(kind, frame, value))
    kinds = list(FRAMES)
    pairs = [
        pair for _ in range(3) for pair in zip(rng.permutation(kinds), rng.permutation(kinds), strict=True)
    ]
    for first, second in pairs:
        one = framed(first, str(rng.choice(FRAMES[first])), str(rng.choice(VALUES[first])))
        two = framed(second, str(rng.choice(FRAMES[second])), str(rng.choice(VALUES[second])))
        shift = len(one[0]) + 2
        examples.append((f"{one[0]}. {two[0]}", one[1] + [(s + shift, e + shift, k) for s, e, k in two[1]]))
    for text in LOOK_ALIKES:
        examples.append((text, []))
        kind = str(rng.choice(kinds))
        before = framed(kind, str(rng.choice(FRAMES[kind])), str(rng.choice(VALUES[kind])))
        examples.append((f"{before[0]}; {text}", before[1]))
        kind = str(rng.choice(kinds))
        after = framed(kind, str(rng.choice(FRAMES[kind])), str(rng.choice(VALUES[kind])))
        shift = len(text) + 2
        examples.append((f"{text}, {after[0]}", [(s + shift, e + shift, k) for s, e, k in after[1]]))
    return examples


TAG = r"\[(?:e-mail|url|handle|account|card|id|tel\.|number|name)\]"


def masked_spans(text: str, masked: str) -> list[tuple[int, int, str]]:
    """Where in ``text`` the masker put each tag of ``masked``: the text between tags is kept as
    written, so each tag stands for what lies between the kept pieces around it."""
    pieces = re.split(f"({TAG})", masked)
    spans, position = [], len(pieces[0])
    for tag, after in zip(pieces[1::2], pieces[2::2], strict=True):
        end = text.find(after, position + 1) if after else len(text)
        spans.append((position, end, tag))
        position = end + len(after)
    return spans


def scores(
    examples: list[tuple[str, list[tuple[int, int, str]]]], masked: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per kind: true spans, those masked with the right tag (a masked span overlapping them),
    recall; per tag: masked spans, those on a true span of a kind with that tag, precision; and an
    ``overall`` row."""
    rows = []
    for (text, truth), output in zip(examples, masked, strict=True):
        found = masked_spans(text, output)
        for start, end, kind in truth:
            hit = any(s < end and start < e and tag == TAGS[kind] for s, e, tag in found)
            rows.append({"kind": kind, "tag": TAGS[kind], "side": "truth", "correct": hit})
        for start, end, tag in found:
            hit = any(s < end and start < e and TAGS[kind] == tag for s, e, kind in truth)
            rows.append({"kind": None, "tag": tag, "side": "masked", "correct": hit})
    frame = pd.DataFrame(rows)
    truth, masked_rows = frame[frame["side"] == "truth"], frame[frame["side"] == "masked"]
    recall = truth.groupby("kind")["correct"].agg(n="size", found="sum")
    precision = masked_rows.groupby("tag")["correct"].agg(masked="size", right="sum")
    recall.loc["overall"] = [len(truth), truth["correct"].sum()]
    precision.loc["overall"] = [len(masked_rows), masked_rows["correct"].sum()]
    recall["recall"] = recall["found"] / recall["n"]
    precision["precision"] = precision["right"] / precision["masked"]
    return recall, precision
