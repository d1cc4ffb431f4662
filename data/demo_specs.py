"""The demo clients' content: names, journeys, comments, initiatives (written by generate_demo.py).

This module only declares data; ``generate_demo.py`` imports it, never the other way round.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import pandas as pd

from cxlib.inputs.config import pillar_key


@dataclass
class DemoSpec:
    """One demo client; its survey's export columns come from the mappings in ``config``."""

    slug: str
    config: dict
    seed: int
    units: list[str]
    roles: list[tuple[str, str]]  # (role, office)
    stages: list[tuple[str, list[tuple[str, str, str]]]]  # stage -> [(touchpoint_id, touchpoint, channel)]
    driver_weights: dict[str, float]
    degrading_touchpoint: str
    degrade_from: str
    moment_stages: list[str]
    out_of_hours_growth: float
    needs: dict[str, str]  # stage -> the customer need it serves
    internal_stages: list[tuple[str, list[tuple[str, str, str]]]]
    participation_item: dict  # the survey question on willingness to co-create (column, scale)
    n_responses: int
    n_employees: int
    interactions_per_day: int
    item_scale: tuple[int, int]
    csat_scale: tuple[int, int]
    comments: dict[str, list[str]]  # detractor/passive/promoter -> texts
    journey_texts: dict[str, list[str]]
    assessment: dict
    initiatives: list[dict]
    ecosystem: list[tuple[str, int, str]]
    survey_format: dict  # sep, encoding, date_format, decimal
    year_start: pd.Timestamp = pd.Timestamp("2025-01-01")

    @property
    def survey_columns(self) -> dict[str, str]:
        """Canonical field → export column, as client.yaml maps it."""
        fields = self.config["survey"]["fields"]
        return {name: value if isinstance(value, str) else value["column"] for name, value in fields.items()}

    @property
    def item_columns(self) -> dict[str, str]:
        """Pillar → export column of its survey item (one item per pillar in the demos)."""
        return {pillar_key(item["pillar"]): item["column"] for item in self.config["survey"]["items"]}


BANK_STAGES = [
    (
        "Descubrimiento",
        [
            ("TP-DES-01", "Anuncio en redes sociales", "Redes sociales"),
            ("TP-DES-02", "Comparador de tarjetas en web", "Web"),
            ("TP-DES-03", "Recomendación de un asesor", "Sucursal"),
            ("TP-DES-04", "Simulador de crédito", "Web"),
        ],
    ),
    (
        "Contratación",
        [
            ("TP-CON-01", "Apertura de cuenta en sucursal", "Sucursal"),
            ("TP-CON-02", "Apertura digital con INE", "App"),
            ("TP-CON-03", "Solicitud de tarjeta de crédito", "Web"),
            ("TP-CON-04", "Firma de contrato", "Sucursal"),
            ("TP-CON-05", "Validación de identidad por videollamada", "App"),
        ],
    ),
    (
        "Bienvenida",
        [
            ("TP-BIE-01", "Entrega de tarjeta", "Mensajería"),
            ("TP-BIE-02", "Activación de banca móvil", "App"),
            ("TP-BIE-03", "Llamada de bienvenida", "Centro de contacto"),
            ("TP-BIE-04", "Correo de bienvenida", "Correo"),
        ],
    ),
    (
        "Uso diario",
        [
            ("TP-APP-01", "Consulta de saldo en app", "App"),
            ("TP-APP-02", "Pago de servicios en app", "App"),
            ("TP-APP-03", "Transferencias SPEI en app", "App"),
            ("TP-ATM-01", "Retiro en cajero", "Cajero automático"),
            ("TP-ATM-02", "Depósito en cajero", "Cajero automático"),
            ("TP-SUC-01", "Ventanilla en sucursal", "Sucursal"),
            ("TP-WEB-01", "Banca en línea", "Web"),
        ],
    ),
    (
        "Soporte",
        [
            ("TP-SOP-01", "Línea de atención telefónica", "Centro de contacto"),
            ("TP-SOP-02", "Chat de WhatsApp", "WhatsApp"),
            ("TP-SOP-03", "Preguntas frecuentes en web", "Web"),
            ("TP-SOP-04", "Asesor en sucursal", "Sucursal"),
        ],
    ),
    (
        "Resolución de problemas",
        [
            ("TP-RES-01", "Aclaración de cargos no reconocidos", "Centro de contacto"),
            ("TP-RES-02", "Reposición de tarjeta", "Sucursal"),
            ("TP-RES-03", "Queja formal (UNE)", "Sucursal"),
            ("TP-RES-04", "Bloqueo de tarjeta en app", "App"),
        ],
    ),
    (
        "Lealtad y renovación",
        [
            ("TP-LEA-01", "Oferta de aumento de línea", "App"),
            ("TP-LEA-02", "Programa de puntos", "Web"),
            ("TP-LEA-03", "Renovación de crédito", "Sucursal"),
            ("TP-LEA-04", "Encuesta de satisfacción", "Correo"),
        ],
    ),
]

TELCO_STAGES = [
    (
        "Discover",
        [
            ("TP01", "Price plan comparison page", "Web"),
            ("TP02", "TV and social advert", "Social media"),
            ("TP03", "Store window offer", "Store"),
        ],
    ),
    (
        "Buy",
        [
            ("TP04", "Online checkout", "Web"),
            ("TP05", "In-store purchase", "Store"),
            ("TP06", "Credit check", "Web"),
            ("TP16", "Number port request", "Call centre"),
        ],
    ),
    (
        "Set up",
        [
            ("TP07", "In-store device setup", "Store"),
            ("TP08", "SIM activation", "App"),
            ("TP09", "Data transfer from old phone", "Store"),
            ("TP17", "eSIM download", "App"),
        ],
    ),
    (
        "Use",
        [
            ("TP10", "Usage tracking in app", "App"),
            ("TP11", "Roaming activation", "App"),
            ("TP12", "Network coverage", "Network"),
            ("TP18", "Add-on purchase", "App"),
        ],
    ),
    (
        "Pay",
        [
            ("TP13", "Monthly bill", "Email"),
            ("TP14", "Direct debit set-up", "Web"),
            ("TP19", "Bill query call", "Call centre"),
        ],
    ),
    (
        "Get help",
        [
            ("TP15", "Call centre support", "Call centre"),
            ("TP20", "Live chat", "Chat"),
            ("TP21", "Store repair desk", "Store"),
            ("TP22", "Help centre articles", "Web"),
        ],
    ),
    (
        "Renew or leave",
        [
            ("TP23", "Upgrade offer", "App"),
            ("TP24", "Retention call", "Call centre"),
            ("TP25", "Contract end notice", "Email"),
        ],
    ),
]

SPECS = [
    DemoSpec(
        slug="demo",
        seed=20251,
        config={
            "name": "Banco Meridiano",
            "slug": "demo",
            "language": "es",
            "locale": "es_MX",
            "industry": "Banca minorista",
            "currency": "MXN",
            "segments": ["Masivo", "Preferente", "PyME"],
            "strategic_question": "¿Cómo hacemos que operar con el banco sea simple y sin sorpresas?",
            "touchpoint_promises": {
                "TP-APP-03": "Tus transferencias SPEI llegan en segundos, siempre",
                "TP-SUC-01": "Te atendemos en ventanilla en menos de 10 minutos",
                "TP-SOP-01": "Resolvemos tu duda en la primera llamada",
            },
            "pillar_targets": {
                "personalisation": 75,
                "integrity": 80,
                "expectations": 75,
                "resolution": 80,
                "time_effort": 75,
                "empathy": 70,
            },
            "survey": {
                "fields": {
                    "response_id": "ID Respuesta",
                    "date": "Fecha",
                    "segment": "Segmento",
                    "channel": "Canal",
                    "unit": "Sucursal",
                    "stage": "Etapa",
                    "touchpoint_id": "Punto de contacto",
                    "nps": {"column": "P1 ¿Qué tan probable es que nos recomiende? (0-10)", "scale": "0-10"},
                    "csat": {"column": "P2 Satisfacción general (1-5)", "scale": "1-5"},
                    "ces": {"column": "P3 Esfuerzo para resolver (1-7)", "scale": "1-7"},
                    "satisfied": {"column": "P9 ¿Resolvimos su necesidad?", "scale": "yes/no"},
                    "comment": "Comentarios",
                    "tenure_years": "Antigüedad (años)",
                    "products": "Productos contratados",
                    "participation": {
                        "column": "P11 ¿Le gustaría participar en el diseño de nuevos productos?",
                        "scale": "yes/no",
                    },
                },
                "items": [
                    {
                        "column": "P4 Me atienden como persona, no como número",
                        "pillar": "Personalización",
                        "scale": "1-5",
                    },
                    {"column": "P5 El banco cumple lo que promete", "pillar": "Integridad", "scale": "1-5"},
                    {"column": "P6 Sé qué esperar en cada trámite", "pillar": "Expectativas", "scale": "1-5"},
                    {
                        "column": "P7 Cuando hay un problema, lo resuelven",
                        "pillar": "Resolución",
                        "scale": "1-5",
                    },
                    {
                        "column": "P8 Hacer trámites me toma poco tiempo",
                        "pillar": "Tiempo y esfuerzo",
                        "scale": "1-5",
                    },
                    {"column": "P10 Entienden mi situación", "pillar": "Empatía", "scale": "1-5"},
                ],
            },
            "_regions": ["Centro", "Norte", "Occidente", "Sureste"],
        },
        units=[
            "Sucursal Centro",
            "Sucursal Polanco",
            "Sucursal Coyoacán",
            "Sucursal Mérida",
            "Sucursal Querétaro",
            "Sucursal León",
            "Sucursal Puebla",
            "Sucursal Toluca",
            "Sucursal Monterrey",
            "Sucursal Guadalajara",
            "Sucursal Tijuana",
            "Sucursal Cancún",
            "Sucursal Oaxaca",
            "Sucursal Morelia",
        ],
        roles=[
            ("Ejecutivo de cuenta", "front"),
            ("Cajero", "front"),
            ("Asesor telefónico", "front"),
            ("Gerente de sucursal", "middle"),
            ("Analista de crédito", "middle"),
            ("Operaciones", "back"),
            ("Tecnología", "back"),
        ],
        stages=BANK_STAGES,
        driver_weights={
            "personalisation": 0.30,
            "integrity": 0.04,
            "expectations": 0.04,
            "resolution": 0.45,
            "time_effort": 0.04,
            "empathy": 0.04,
        },
        degrading_touchpoint="TP-APP-03",
        degrade_from="2025-07-01",
        moment_stages=["Soporte", "Resolución de problemas"],
        out_of_hours_growth=0.25,
        needs={
            "Descubrimiento": "Elegir un producto",
            "Contratación": "Abrir una cuenta o crédito",
            "Bienvenida": "Empezar a usar",
            "Uso diario": "Mover mi dinero",
            "Soporte": "Resolver una duda",
            "Resolución de problemas": "Arreglar un problema",
            "Lealtad y renovación": "Obtener más por ser cliente",
        },
        internal_stages=[],
        participation_item={
            "column": "P11 ¿Le gustaría participar en el diseño de nuevos productos?",
            "scale": "yes/no",
        },
        n_responses=6000,
        n_employees=420,
        interactions_per_day=500,
        item_scale=(1, 5),
        csat_scale=(1, 5),
        comments={
            "detractor": [
                "La app se cae cuando quiero hacer una transferencia",
                "Esperé más de una hora en sucursal",
                "Me cobraron una comisión que nadie me explicó",
                "Nunca resolvieron mi aclaración de cargos",
                "El ejecutivo fue grosero y no conocía mi historial",
                "La transferencia SPEI tardó dos días",
                "Pésimo servicio <b>telefónico</b> & muchas vueltas",
                "Me pidieron los mismos papeles tres veces",
            ],
            "passive": [
                "Buen servicio pero la fila es larga",
                "La app funciona, aunque a veces es lenta",
                "Correcto, sin más",
                "Las comisiones son altas para lo que ofrecen",
                "Me atendieron bien pero tardaron",
            ],
            "promoter": [
                "Excelente atención, me conocen por mi nombre",
                "Resolvieron mi problema en una sola llamada",
                "La app es rápida y fácil de usar",
                "Mi ejecutiva siempre me ayuda",
                "Muy buen trato y rapidez",
            ],
        },
        journey_texts={
            "human_channels": {"Sucursal", "Centro de contacto", "WhatsApp"},
            "owners": [
                "Red de sucursales",
                "Banca digital",
                "Centro de contacto",
                "Operaciones",
                "Mercadotecnia",
            ],
            "actions": [
                "Busca información",
                "Llena una solicitud",
                "Consulta su saldo",
                "Hace un pago",
                "Reporta un problema",
            ],
            "frontstage": [
                "Asesor explica el producto",
                "La app muestra el estado del trámite",
                "Cajero atiende en ventanilla",
            ],
            "backstage": ["Validación KYC", "Conciliación de pagos", "Análisis de crédito"],
            "support": ["Core bancario", "CRM de ventas", "Motor antifraude"],
            "kpis": [
                "Tiempo de atención",
                "Tasa de resolución al primer contacto",
                "Tasa de éxito de transacciones",
                "CSAT del punto de contacto",
            ],
            "pains": [
                "Filas largas",
                "Caídas de la app",
                "Requisitos poco claros",
                "Comisiones sorpresa",
                "Traspasos entre áreas",
            ],
            "opportunities": [
                "Cita previa digital",
                "Notificaciones proactivas",
                "Prellenado de datos",
                "Seguimiento en línea",
            ],
            "promise": "Tu banco a tu tiempo: trámites simples y sin sorpresas",
        },
        assessment={
            "respondents": [
                ("Director General", "Dirección"),
                ("Directora de Operaciones", "Operaciones"),
                ("Director Comercial", "Comercial"),
                ("Director de Tecnología", "Tecnología"),
                ("Gerente de CX", "Experiencia del cliente"),
            ],
            "item_prefixes": ["PER", "INT", "EXP", "RES", "TIE", "EMP"],
            "pillar_labels": {
                "personalisation": "Personalización",
                "integrity": "Integridad",
                "expectations": "Expectativas",
                "resolution": "Resolución",
                "time_effort": "Tiempo y esfuerzo",
                "empathy": "Empatía",
            },
            "self_means": {
                "personalisation": 3.2,
                "integrity": 3.4,
                "expectations": 3.4,
                "resolution": 3.0,
                "time_effort": 4.3,
                "empathy": 3.5,
            },
            "customer_means": {"time_effort": 0.45},
            "evidence": [
                "Reporte trimestral de quejas",
                "Encuesta NPS del tercer trimestre",
                "Tablero de tiempos de espera",
                "Auditoría de procesos 2025",
                "Informe de la UNE",
                "Minuta del comité de experiencia",
            ],
            "date": "2025-11-20",
        },
        initiatives=[
            {
                "initiative_id": "IN01",
                "name": "Resolución al primer contacto en centro de contacto",
                "cost": 4200000,
                "effort": 3,
                "duration_months": 6,
                "wave": 1,
                "owner": "Centro de contacto",
                "pillars": "Resolución; Empatía",
                "touchpoints": "TP-SOP-01; TP-RES-01",
                "roles": "Asesor telefónico",
                "effect_external": 2,
                "effect_internal": 1,
                "loads_human_capacity": "no",
                "kpi": "Resolución al primer contacto",
            },
            {
                "initiative_id": "IN02",
                "name": "Estabilizar transferencias SPEI en app",
                "cost": 6500000,
                "effort": 4,
                "duration_months": 5,
                "wave": 1,
                "owner": "Banca digital",
                "pillars": "Tiempo y esfuerzo; Integridad",
                "touchpoints": "TP-APP-03",
                "roles": "Tecnología",
                "effect_external": 2,
                "effect_internal": 1,
                "loads_human_capacity": "no",
                "kpi": "Tasa de éxito de transferencias",
            },
            {
                "initiative_id": "IN03",
                "name": "CRM corporativo",
                "cost": 18000000,
                "effort": 5,
                "duration_months": 14,
                "wave": 2,
                "owner": "Tecnología",
                "pillars": "",
                "touchpoints": "",
                "roles": "",
                "effect_external": 0,
                "effect_internal": 0,
                "loads_human_capacity": "no",
                "kpi": "Licencias implementadas",
            },
            {
                "initiative_id": "IN04",
                "name": "Ejecutivo asignado para segmento Preferente",
                "cost": 9000000,
                "effort": 3,
                "duration_months": 8,
                "wave": 2,
                "owner": "Red de sucursales",
                "pillars": "Personalización",
                "touchpoints": "TP-SOP-04; TP-SUC-01",
                "roles": "Ejecutivo de cuenta",
                "effect_external": 2,
                "effect_internal": -1,
                "loads_human_capacity": "yes",
                "kpi": "NPS Preferente",
            },
            {
                "initiative_id": "IN05",
                "name": "WhatsApp 24/7 con asesores",
                "cost": 3800000,
                "effort": 2,
                "duration_months": 3,
                "wave": 1,
                "owner": "Centro de contacto",
                "pillars": "Tiempo y esfuerzo",
                "touchpoints": "TP-SOP-02",
                "roles": "Asesor telefónico",
                "effect_external": 1,
                "effect_internal": -2,
                "loads_human_capacity": "yes",
                "kpi": "Tiempo de respuesta",
            },
            {
                "initiative_id": "IN06",
                "name": "Cita previa digital en sucursal",
                "cost": 1500000,
                "effort": 2,
                "duration_months": 3,
                "wave": 1,
                "owner": "Red de sucursales",
                "pillars": "Tiempo y esfuerzo; Expectativas",
                "touchpoints": "TP-SUC-01; TP-CON-01",
                "roles": "Cajero",
                "effect_external": 1,
                "effect_internal": 1,
                "loads_human_capacity": "no",
                "kpi": "Tiempo de espera",
            },
            {
                "initiative_id": "IN07",
                "name": "Aclaraciones con seguimiento en línea",
                "cost": 2700000,
                "effort": 3,
                "duration_months": 6,
                "wave": 2,
                "owner": "Operaciones",
                "pillars": "Resolución; Expectativas",
                "touchpoints": "TP-RES-01; TP-RES-03",
                "roles": "Operaciones",
                "effect_external": 2,
                "effect_internal": 1,
                "loads_human_capacity": "no",
                "kpi": "Días para resolver aclaraciones",
            },
            {
                "initiative_id": "IN08",
                "name": "Programa de escucha a colaboradores",
                "cost": 900000,
                "effort": 2,
                "duration_months": 12,
                "wave": 3,
                "owner": "Recursos humanos",
                "pillars": "Empatía",
                "touchpoints": "",
                "roles": "Ejecutivo de cuenta; Cajero",
                "effect_external": 1,
                "effect_internal": 2,
                "loads_human_capacity": "no",
                "kpi": "eNPS",
            },
            {
                "initiative_id": "IN09",
                "name": "Ofertas personalizadas en app",
                "cost": 5200000,
                "effort": 4,
                "duration_months": 9,
                "wave": 3,
                "owner": "Mercadotecnia",
                "pillars": "Personalización",
                "touchpoints": "TP-LEA-01; TP-APP-01",
                "roles": "Tecnología",
                "effect_external": 1,
                "effect_internal": 0,
                "loads_human_capacity": "no",
                "kpi": "Conversión de ofertas",
            },
            {
                "initiative_id": "IN10",
                "name": "Integrar back office de crédito y sucursales",
                "cost": 7400000,
                "effort": 5,
                "duration_months": 12,
                "wave": 3,
                "owner": "Operaciones",
                "pillars": "Expectativas; Tiempo y esfuerzo",
                "touchpoints": "TP-CON-03; TP-LEA-03",
                "roles": "Analista de crédito",
                "effect_external": 1,
                "effect_internal": 2,
                "loads_human_capacity": "no",
                "kpi": "Tiempo de respuesta de crédito",
            },
        ],
        ecosystem=[
            ("Clientes", 3, "NPS de 18 puntos y quejas en descenso"),
            ("Comunidad", 2, "Sin panel de clientes ni comunidad activa"),
            ("Colaboradores", 3, "eNPS de 12; rotación alta en cajeros"),
            ("Comunicación", 3, "Campañas claras, comisiones poco explicadas"),
            ("Contexto social y ambiental", 2, "Programa de educación financiera incipiente"),
            ("Cultura", 3, "Valores publicados, poco vividos en sucursal"),
            ("Canales y circulación", 4, "App bien valorada y red de cajeros amplia"),
            ("Creatividad", 3, "Laboratorio digital con 4 pilotos al año"),
            ("Conducción", 2, "Sin comité de experiencia con indicadores"),
        ],
        survey_format={"sep": ";", "encoding": "cp1252", "date_format": "%d/%m/%Y", "decimal": ","},
    ),
    DemoSpec(
        slug="northwind",
        seed=20252,
        config={
            "name": "Northwind Mobile",
            "slug": "northwind",
            "language": "en",
            "locale": "en_GB",
            "industry": "Mobile telecommunications",
            "currency": "GBP",
            "segments": ["Consumer", "Small business", "Prepaid"],
            "strategic_question": "How do we get every customer connected in minutes, without surprises?",
            # The client's logo (drawn by generate_demo.make_logo) and colours on every deliverable.
            "brand": {"logo": "logo.png", "primary": "#0B5FFF", "accent": "#D35400"},
            "touchpoint_promises": {
                "TP07": "Your new phone set up in store in under 20 minutes",
                "TP15": "Sorted in one call",
                "TP13": "A bill you understand, with no surprises",
            },
            "pillar_targets": {
                "Personalisation": 70,
                "Integrity": 80,
                "Expectations": 80,
                "Resolution": 75,
                "Time & effort": 80,
            },
            "survey": {
                "fields": {
                    "response_id": "RespID",
                    "date": "Submitted",
                    "segment": "Customer type",
                    "channel": "Contact channel",
                    "unit": "Store",
                    "stage": "Journey stage",
                    "touchpoint_id": "TP code",
                    "nps": {"column": "LTR (0-10)", "scale": "0-10"},
                    "csat": {"column": "Overall sat", "scale": "1-7"},
                    "ces": {"column": "Effort score", "scale": "1-7"},
                    "satisfied": {"column": "Issue fixed?", "scale": "yes/no"},
                    "comment": "Verbatim",
                    "tenure_years": "Years with us",
                    "products": "Lines on account",
                    "participation": {"column": "Would you join our customer panel? (1-5)", "scale": "1-5"},
                },
                "items": [
                    {"column": "Q5 Staff knew my history", "pillar": "personalisation", "scale": "1-7"},
                    {"column": "Q6 They did what they said", "pillar": "integrity", "scale": "1-7"},
                    {"column": "Q7 I knew what would happen next", "pillar": "expectations", "scale": "1-7"},
                    {"column": "Q8 Problems got sorted", "pillar": "resolution", "scale": "1-7"},
                    {"column": "Q9 It took little effort", "pillar": "time & effort", "scale": "1-7"},
                    {"column": "Q10 They understood my situation", "pillar": "empathy", "scale": "1-7"},
                ],
            },
            "_regions": ["London", "North", "Midlands", "Scotland"],
        },
        units=[
            "Oxford Street",
            "Camden",
            "Croydon",
            "Manchester Arndale",
            "Leeds Trinity",
            "Birmingham Bullring",
            "Nottingham",
            "Glasgow Buchanan",
            "Edinburgh Princes St",
            "Bristol Cabot",
            "Cardiff Queen St",
            "Newcastle Eldon",
        ],
        roles=[
            ("Store advisor", "front"),
            ("Call centre agent", "front"),
            ("Store manager", "middle"),
            ("Team leader", "middle"),
            ("Billing operations", "back"),
            ("Network operations", "back"),
        ],
        stages=TELCO_STAGES,
        driver_weights={
            "personalisation": 0.04,
            "integrity": 0.04,
            "expectations": 0.32,
            "resolution": 0.04,
            "time_effort": 0.45,
            "empathy": 0.04,
        },
        degrading_touchpoint="TP07",
        degrade_from="2025-06-01",
        moment_stages=["Set up", "Get help"],
        out_of_hours_growth=0.0,
        needs={
            "Discover": "Choose a plan",
            "Buy": "Get a phone",
            "Set up": "Get connected",
            "Use": "Stay connected",
            "Pay": "Pay without surprises",
            "Get help": "Fix a problem",
            "Renew or leave": "Get a better deal",
        },
        internal_stages=[
            (
                "Internal: store support",
                [
                    ("TP26", "Store staff IT ticket", "Intranet"),
                    ("TP27", "Legal review of a promotion", "Email"),
                ],
            )
        ],
        participation_item={"column": "Would you join our customer panel? (1-5)", "scale": "1-5"},
        n_responses=4000,
        n_employees=300,
        interactions_per_day=350,
        item_scale=(1, 7),
        csat_scale=(1, 7),
        comments={
            "detractor": [
                "Waited 40 minutes in store for a phone setup",
                "Nobody told me the upgrade would cost more",
                "Call centre passed me around four times",
                "My bill was wrong again",
                "Signal drops at home all the time",
                "Setup took ages & the <staff> lost my data",
            ],
            "passive": [
                "Fine, nothing special",
                "Good network but pricey",
                "App is ok, a bit slow",
                "Store staff were nice but slow",
            ],
            "promoter": [
                "Quick and painless upgrade",
                "Great signal everywhere",
                "The app makes everything easy",
                "Sorted my issue in one call",
            ],
        },
        journey_texts={
            "human_channels": {"Store", "Call centre", "Chat"},
            "owners": ["Retail", "Digital", "Customer care", "Billing", "Network"],
            "actions": [
                "Compares plans",
                "Buys a phone",
                "Sets up the device",
                "Checks usage",
                "Pays the bill",
                "Asks for help",
            ],
            "frontstage": ["Advisor walks through the plan", "App shows progress", "Agent answers the call"],
            "backstage": ["Credit scoring", "Number porting", "Billing run"],
            "support": ["CRM", "Billing platform", "Network monitoring"],
            "kpis": ["Time to set up", "First-contact resolution", "Bill accuracy", "Touchpoint CSAT"],
            "pains": ["Long store queues", "Bill shock", "Transfers between agents", "Data transfer fails"],
            "opportunities": ["Book a setup slot", "Proactive usage alerts", "Self-service porting"],
            "promise": "Connected in minutes, no surprises",
        },
        assessment={
            "respondents": [
                ("CEO", "Executive"),
                ("COO", "Operations"),
                ("CMO", "Marketing"),
                ("Head of Care", "Customer care"),
            ],
            "item_prefixes": ["PER", "INT", "EXP", "RES", "TIE", "EMP"],
            "pillar_labels": {
                p: p
                for p in (
                    "personalisation",
                    "integrity",
                    "expectations",
                    "resolution",
                    "time_effort",
                    "empathy",
                )
            },
            "self_means": {
                "personalisation": 3.0,
                "integrity": 3.4,
                "expectations": 3.9,
                "resolution": 3.4,
                "time_effort": 3.6,
                "empathy": 3.2,
            },
            "customer_means": {"expectations": 0.5},
            "evidence": [
                "Q3 complaints report",
                "Store mystery shopping",
                "Call centre QA sample",
                "Billing accuracy audit",
                "Board CX dashboard",
            ],
            "date": "2025-11-18",
        },
        initiatives=[
            {
                "initiative_id": "N01",
                "name": "Book-a-slot device setup",
                "cost": 350000,
                "effort": 2,
                "duration_months": 4,
                "wave": 1,
                "owner": "Retail",
                "pillars": "time_effort; expectations",
                "touchpoints": "TP07; TP09",
                "roles": "Store advisor",
                "effect_external": 2,
                "effect_internal": 1,
                "loads_human_capacity": "no",
                "kpi": "Setup time",
            },
            {
                "initiative_id": "N02",
                "name": "Bill explainer in app",
                "cost": 220000,
                "effort": 2,
                "duration_months": 3,
                "wave": 1,
                "owner": "Digital",
                "pillars": "expectations; integrity",
                "touchpoints": "TP13; TP10",
                "roles": "Billing operations",
                "effect_external": 2,
                "effect_internal": 1,
                "loads_human_capacity": "no",
                "kpi": "Bill query calls",
            },
            {
                "initiative_id": "N03",
                "name": "Enterprise CRM replacement",
                "cost": 4800000,
                "effort": 5,
                "duration_months": 18,
                "wave": 2,
                "owner": "IT",
                "pillars": "",
                "touchpoints": "",
                "roles": "",
                "effect_external": 0,
                "effect_internal": 0,
                "loads_human_capacity": "no",
                "kpi": "Go-live",
            },
            {
                "initiative_id": "N04",
                "name": "Callback instead of queue",
                "cost": 180000,
                "effort": 1,
                "duration_months": 2,
                "wave": 1,
                "owner": "Customer care",
                "pillars": "time_effort",
                "touchpoints": "TP15",
                "roles": "Call centre agent",
                "effect_external": 1,
                "effect_internal": 0,
                "loads_human_capacity": "yes",
                "kpi": "Abandon rate",
            },
            {
                "initiative_id": "N05",
                "name": "Single owner for complaints",
                "cost": 420000,
                "effort": 3,
                "duration_months": 6,
                "wave": 2,
                "owner": "Customer care",
                "pillars": "resolution; empathy",
                "touchpoints": "TP15; TP20",
                "roles": "Team leader",
                "effect_external": 2,
                "effect_internal": -1,
                "loads_human_capacity": "yes",
                "kpi": "Repeat contacts",
            },
            {
                "initiative_id": "N06",
                "name": "Network outage proactive SMS",
                "cost": 150000,
                "effort": 2,
                "duration_months": 3,
                "wave": 2,
                "owner": "Network",
                "pillars": "expectations",
                "touchpoints": "TP12",
                "roles": "Network operations",
                "effect_external": 1,
                "effect_internal": 1,
                "loads_human_capacity": "no",
                "kpi": "Outage calls",
            },
            {
                "initiative_id": "N07",
                "name": "Loyalty upgrade pricing",
                "cost": 900000,
                "effort": 3,
                "duration_months": 6,
                "wave": 3,
                "owner": "Marketing",
                "pillars": "personalisation; integrity",
                "touchpoints": "TP23; TP24",
                "roles": "Store advisor",
                "effect_external": 1,
                "effect_internal": 0,
                "loads_human_capacity": "no",
                "kpi": "Churn at contract end",
            },
            {
                "initiative_id": "N08",
                "name": "Connect billing and care systems",
                "cost": 1600000,
                "effort": 4,
                "duration_months": 10,
                "wave": 3,
                "owner": "Billing",
                "pillars": "resolution; time_effort",
                "touchpoints": "TP19; TP15",
                "roles": "Billing operations",
                "effect_external": 1,
                "effect_internal": 2,
                "loads_human_capacity": "no",
                "kpi": "Bill query handling time",
            },
        ],
        ecosystem=[
            ("clients", 3, "NPS of 9; churn 1.4% a month"),
            ("community", 2, "No customer community"),
            ("collaborators", 3, "eNPS 15"),
            ("communication", 2, "Bill shock complaints"),
            ("context", 3, "Device recycling scheme"),
            ("culture", 3, "Values refreshed in 2024"),
            ("channels", 4, "Strong app, 12 flagship stores"),
            ("creativity", 3, "eSIM launched first in market"),
            ("conduction", 3, "Monthly CX board review"),
        ],
        survey_format={"sep": ",", "encoding": "utf-8", "date_format": "%Y-%m-%d %H:%M", "decimal": "."},
    ),
]


def _follow_up(baseline: DemoSpec) -> DemoSpec:
    """The bank a year later: resolution and time & effort improved, the transfer touchpoint fixed."""
    config = copy.deepcopy(baseline.config) | {"slug": "demo-seguimiento", "baseline": "demo"}
    assessment = copy.deepcopy(baseline.assessment)
    assessment["customer_means"] = {"time_effort": 0.55, "resolution": 0.7}
    assessment["date"] = "2026-11-20"
    return dataclasses.replace(
        baseline,
        slug="demo-seguimiento",
        seed=20261,
        config=config,
        assessment=assessment,
        n_responses=3000,
        interactions_per_day=150,
        degrade_from="2099-01-01",
        out_of_hours_growth=0.0,
        year_start=pd.Timestamp("2026-01-01"),
    )


SPECS.append(_follow_up(SPECS[0]))
