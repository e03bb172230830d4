"""Altair charts built from the engine's tables. They draw; they never compute a rate.

Each chart that selects a rep uses the selection parameter REP_PICK over the `rep` field, so a page
reads the clicked rep back from st.altair_chart(..., on_select="rerun"). Every chart takes the Language
its words are in; no streamlit here, so the exports draw the same charts.
"""

from __future__ import annotations

import functools
import inspect

import altair as alt
import numpy as np
import pandas as pd
from altair.typing import ChartType

from i18n import Language, language as language_for
from metrics.diagnostics import QUADRANT_LABELS, STATUS_FLAGGED, STATUS_NO_DEALS, STATUS_OK, STATUS_THIN
from metrics.funnel import TEAM
from metrics.mix import DOES_NOT_PAY, PAYS_OFF, UNCLEAR
from metrics.satisfaction import HIGH_REVENUE_LOW_SATISFACTION, LOW_REVENUE_HIGH_SATISFACTION
from views.labels import SPOTS, place_labels

REP_PICK = "rep_pick"
PERIOD_BRUSH = "period_brush"
STATUSES = [STATUS_FLAGGED, STATUS_OK, STATUS_THIN, STATUS_NO_DEALS]
STATUS_COLOURS = ["#d62728", "#4c78a8", "#b8b8b8", "#b07aa1"]
STATUS_SHAPES = ["triangle-down", "circle", "circle", "square"]
FLAG_RED = "#d62728"
BUSY_FILL = "#fbe3e1"
MAX_POINTS = 5000
LABEL_ALL = 25
LABEL_WIDTH = 600  # the narrowest a page's full-width chart plots at, on a laptop screen
ENGLISH = language_for("en")


def _in_language(build):
    """A chart builder whose chart writes its numbers and dates the way its `language` does (Vega's
    config.locale): axes, labels and tooltips read 1 000 and 12,5 % in Norwegian, as the tables do."""
    signature = inspect.signature(build)

    @functools.wraps(build)
    def localised(*args, **kwargs):
        language = signature.bind(*args, **kwargs).arguments.get("language", ENGLISH)
        return build(*args, **kwargs).configure(locale=language.vega_locale())

    return localised


def _guard(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame) > MAX_POINTS:
        raise ValueError(f"{len(frame)} rows is too many to chart; aggregate first")
    return frame


def _status_scales(language: Language) -> tuple[alt.Scale, alt.Scale]:
    domain = [language.gettext(status) for status in STATUSES]
    return alt.Scale(domain=domain, range=STATUS_COLOURS), alt.Scale(domain=domain, range=STATUS_SHAPES)


def _with_labels(units: pd.DataFrame, language: Language) -> pd.DataFrame:
    """The units with their status and quadrant in the chart's language, for legends and tooltips."""
    return units.assign(
        status_label=units["status"].map(language.gettext),
        quadrant_label=units["quadrant"].map(lambda q: language.gettext(QUADRANT_LABELS[q])),
    )


def _rep_tooltip(language: Language, unit: str = "rep") -> list[alt.Tooltip]:
    g = language.gettext
    who = (
        [alt.Tooltip("rep:N", title=g("Rep")), alt.Tooltip("team:N", title=g("Team"))]
        if unit == "rep"
        else [alt.Tooltip("team:N", title=g("Team"))]
    )
    return [
        *who,
        alt.Tooltip("activities:Q", title=g("Activities"), format=","),
        alt.Tooltip("effort:Q", title=g("Effort"), format=",.0f"),
        alt.Tooltip("won:Q", title=g("Won"), format=","),
        alt.Tooltip("revenue:Q", title=g("Revenue"), format=",.0f"),
        alt.Tooltip("conversion:Q", title=g("Conversion"), format=".1%"),
        alt.Tooltip("shrunk_conversion:Q", title=g("Fair rate"), format=".1%"),
        alt.Tooltip("p_adjusted:Q", title=g("p across the team"), format=".3f"),
        alt.Tooltip("quadrant_label:N", title=g("Quadrant")),
        alt.Tooltip("status_label:N", title=g("Status")),
    ]


@_in_language
def quadrant_chart(
    units: pd.DataFrame,
    lines: dict[str, float],
    performance: str,
    activity_title: str,
    performance_title: str,
    curve: pd.DataFrame | None = None,
    unit: str = "rep",
    height: int = 460,
    zone_title: str = "Busy, not converting",
    curve_title: str = "Expected for this effort",
    label_all: bool = True,
    language: Language = ENGLISH,
    width: int = LABEL_WIDTH,
) -> ChartType:
    """Reps (or teams) by effort (x) and performance (y), lines at the medians, the busy-but-not-converting
    quadrant shaded, flagged units as red triangles, and the team's expected curve if given.

    Every unit can be told without hovering: all are named when there are LABEL_ALL or fewer, otherwise
    the flagged and the efficient ones are, and a click names the one clicked. `label_all` False names only
    those, for a chart too small for every name. `width` is the narrowest the plot is drawn at: the names
    are placed apart at that width (views/labels.py), and drawn wider they only move further apart.
    """
    # Effort: activities weighed by type (the same as activities when every weight is 1), as the flag uses.
    effort = "effort" if "effort" in units else "activities"
    points = _with_labels(_guard(units), language)
    x_line, y_line = lines.get("effort", lines["activities"]), lines[performance]
    x_max = max(float(points[effort].max()) * 1.08, x_line * 1.1, 1.0)
    shown_curve = None
    if curve is not None and len(curve):
        curve_x = effort if effort in curve else "activities"
        placed = points.loc[points[effort] > 0, effort]
        # Only over the effort the team's reps actually show: below the quietest rep the fit is a guess.
        low = float(placed.min()) if len(placed) else 0.0
        shown_curve = curve[(curve[curve_x] >= low) & (curve[curve_x] <= x_max)].rename(columns={curve_x: "x"})
    y_top = max(
        [float(points[performance].max()), y_line]
        + ([float(shown_curve["expected"].max())] if shown_curve is not None and len(shown_curve) else [])
    )
    y_max = max(y_top * 1.08, 1.0)
    pick = alt.selection_point(name=REP_PICK, fields=[unit], on="click", clear="dblclick")
    x = alt.X(f"{effort}:Q", title=activity_title, scale=alt.Scale(domain=[0, x_max], nice=False))
    y = alt.Y(f"{performance}:Q", title=performance_title, scale=alt.Scale(domain=[0, y_max], nice=False))
    busy_zone = (
        alt.Chart(pd.DataFrame({"x": [x_line], "x2": [x_max], "y": [0], "y2": [y_line]}))
        .mark_rect(color=BUSY_FILL)
        .encode(x="x:Q", x2="x2:Q", y="y:Q", y2="y2:Q")
    )
    zone_label = (
        alt.Chart(pd.DataFrame({"x": [x_max], "y": [0], "text": [zone_title]}))
        .mark_text(align="right", baseline="bottom", dx=-6, dy=-6, color="#b03a2e", fontWeight="bold")
        .encode(x="x:Q", y="y:Q", text="text:N")
    )
    rules = alt.Chart(pd.DataFrame({"x": [x_line], "y": [y_line]}))
    v_rule = rules.mark_rule(strokeDash=[4, 4], color="#777").encode(x="x:Q")
    h_rule = rules.mark_rule(strokeDash=[4, 4], color="#777").encode(y="y:Q")
    colours, shapes = _status_scales(language)
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=140)
        .encode(
            x=x,
            y=y,
            color=alt.Color("status_label:N", scale=colours, title=language.gettext("Status")),
            shape=alt.Shape("status_label:N", scale=shapes, legend=None),
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.35)),
            tooltip=_rep_tooltip(language, unit),
        )
        .add_params(pick)
    )
    layers = [busy_zone, zone_label, v_rule, h_rule]
    if shown_curve is not None and len(shown_curve):
        layers.append(
            alt.Chart(shown_curve)
            .mark_line(color="#59a14f", strokeWidth=2, clip=True)
            .encode(
                x="x:Q",
                y="expected:Q",
                tooltip=[
                    alt.Tooltip("x:Q", title=activity_title, format=",.0f"),
                    alt.Tooltip("expected:Q", title=curve_title, format=",.1f"),
                ],
            )
        )
    return alt.layer(
        *layers, dots, *_unit_labels(points, unit, x, y, pick, label_all, (x_max, y_max, width, height))
    ).properties(height=height)


def _unit_labels(
    points: pd.DataFrame, unit: str, x, y, pick, label_all: bool, plot: tuple[float, float, int, int]
) -> list[alt.Chart]:
    """Names beside the points, each where it touches no other name and no dot (views/labels.py); flagged
    ones in red. `plot` is the x and y domains' tops and the plot's width and height in pixels."""
    flagged = points["status"] == STATUS_FLAGGED
    named = points["quadrant"].isin(["low_activity_high_performance"]) | flagged
    always = points if label_all and len(points) <= LABEL_ALL else points[named]
    # The flagged are placed first, then the efficient, so the names that matter most get the best spots.
    always = always.assign(_rank=(~flagged[always.index]).astype(int) + (~named[always.index]).astype(int))
    always = always.sort_values("_rank", kind="stable")
    x_field, y_field = x.shorthand.split(":")[0], y.shorthand.split(":")[0]
    x_top, y_top, width, height = plot

    def pixels(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return (
            frame[x_field].to_numpy(float) / x_top * width,
            height - frame[y_field].to_numpy(float) / y_top * height,
        )

    spots = place_labels(*pixels(always), always[unit].astype(str).tolist(), width, height, dots=pixels(points))
    text = alt.Text(f"{unit}:N")
    colour = alt.when(alt.datum.status == STATUS_FLAGGED).then(alt.value("#b03a2e")).otherwise(alt.value("#333"))
    # One layer, each name at its own spot: the mark's offsets and alignment read from the name's row.
    placed = always.drop(columns="_rank").assign(
        label_dx=[SPOTS[spot].dx for spot in spots],
        label_dy=[SPOTS[spot].dy for spot in spots],
        label_align=[SPOTS[spot].align for spot in spots],
    )
    names = (
        alt.Chart(placed)
        .mark_text(
            dx=alt.expr("datum.label_dx"),
            dy=alt.expr("datum.label_dy"),
            align=alt.expr("datum.label_align"),
            fontSize=11,
        )
        .encode(x=x, y=y, text=text, color=colour)
    )
    rest = points.drop(always.index) if len(always) < len(points) else points.iloc[:0]
    clicked = (
        alt.Chart(rest)
        .mark_text(dy=-14, fontSize=11, fontWeight="bold")
        .encode(x=x, y=y, text=text, opacity=alt.when(pick, empty=False).then(alt.value(1.0)).otherwise(alt.value(0.0)))
    )
    return [names, clicked]


@_in_language
def funnel_plot(
    reps: pd.DataFrame, limits: pd.DataFrame, volume_title: str, flag_title: str, language: Language = ENGLISH
) -> alt.LayerChart:
    """Conversion against volume: the pooled rate, its 95% and 99.8% limits on both sides, and the lower
    limit the flag uses once adjusted for judging every rep at once (`flag_title` names it). Reps below
    that limit are drawn as triangles."""
    g = language.gettext
    points = _with_labels(_guard(reps.dropna(subset=["conversion"])), language)
    pick = alt.selection_point(name=REP_PICK, fields=["rep"], on="click", clear="dblclick")
    names = {"95%": g("95% limits"), "99.8%": g("99.8% limits"), "flag": flag_title}
    curves = limits.melt(
        id_vars=["trials", "curve"], value_vars=["lower", "upper"], var_name="side", value_name="rate"
    ).dropna(subset=["rate"])
    curves["limit"] = curves["curve"].map(names)
    curves["series"] = curves["curve"] + " " + curves["side"]
    shown_limits = [name for key, name in names.items() if key in set(limits["curve"])]
    x = alt.X("trials:Q", title=volume_title, scale=alt.Scale(type="linear", zero=True))
    # The limits fan out towards 100% at tiny volumes; cut the view where the reps are, not where the curves go.
    top = min(1.0, max(float(points["conversion"].max()) * 1.3, float(limits["pooled"].max()) * 2.5, 0.05))
    y = alt.Y("rate:Q", title=g("Conversion"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, top]))
    colours = {names["95%"]: "#7f7f7f", names["99.8%"]: "#c0c0c0", names["flag"]: FLAG_RED}
    # One legend, by colour; the dashes follow the curve so a printout in grey still tells them apart.
    lines = (
        alt.Chart(_guard(curves))
        .mark_line(clip=True)
        .encode(
            x=x,
            y=y,
            detail="series:N",
            color=alt.Color(
                "limit:N",
                title=g("Limits"),
                scale=alt.Scale(domain=shown_limits, range=[colours[name] for name in shown_limits]),
            ),
            strokeDash=alt.when(alt.datum.curve == "95%")
            .then(alt.value([8, 4]))
            .when(alt.datum.curve == "99.8%")
            .then(alt.value([2, 2]))
            .otherwise(alt.value([1, 0])),
        )
    )
    pooled = (
        alt.Chart(limits.head(1))
        .mark_rule(color="#333")
        .encode(y="pooled:Q", tooltip=[alt.Tooltip("pooled:Q", title=g("Team pooled rate"), format=".2%")])
    )
    below, within = g("below the flag limit"), g("within the limits")
    colour_scale, _ = _status_scales(language)
    dots = (
        alt.Chart(points.assign(below=points["below_limit"].map({True: below, False: within})))
        .mark_point(filled=True, size=110, clip=True)
        .encode(
            x=x,
            y=alt.Y("conversion:Q", scale=alt.Scale(domain=[0, top])),
            fill=alt.Fill("status_label:N", scale=colour_scale, title=g("Status")),
            stroke=alt.value("white"),
            shape=alt.Shape(
                "below:N", title=None, scale=alt.Scale(domain=[below, within], range=["triangle-down", "circle"])
            ),
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.35)),
            tooltip=_rep_tooltip(language),
        )
        .add_params(pick)
    )
    return alt.layer(lines, pooled, dots).resolve_scale(color="independent").properties(height=420)


def _translated_funnel(funnel: pd.DataFrame, language: Language) -> pd.DataFrame:
    """The funnel with its stage names and the team's row in the chart's language."""
    return funnel.assign(
        stage=funnel["stage"].map(language.gettext),
        rep=funnel["rep"].where(funnel["rep"] != TEAM, language.gettext(TEAM)),
    )


@_in_language
def stage_funnel_chart(funnel: pd.DataFrame, who: list[str], language: Language = ENGLISH) -> alt.Chart:
    """Share of the first stage that reaches each stage, for the team and the chosen reps side by side."""
    g = language.gettext
    shown = _translated_funnel(_guard(funnel[funnel["rep"].isin(who)]), language)
    order = list(dict.fromkeys(_translated_funnel(funnel, language).sort_values("stage_index")["stage"]))
    who = [g(TEAM) if rep == TEAM else rep for rep in who]
    return (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            y=alt.Y("stage:N", sort=order, title=None),
            x=alt.X("from_first:Q", title=g("Share of the first stage reached"), axis=alt.Axis(format="%")),
            yOffset=alt.YOffset("rep:N", sort=who),
            color=alt.Color("rep:N", sort=who, title=None, scale=alt.Scale(scheme="tableau10")),
            tooltip=[
                alt.Tooltip("rep:N", title=g("Rep")),
                alt.Tooltip("stage:N", title=g("Stage")),
                alt.Tooltip("reached:Q", title=g("Reached"), format=","),
                alt.Tooltip("from_previous:Q", title=g("From the stage before"), format=".1%"),
                alt.Tooltip("from_first:Q", title=g("From the first stage"), format=".1%"),
            ],
        )
        .properties(height=alt.Step(14))
    )


@_in_language
def stage_heatmap(funnel: pd.DataFrame, team_label: str = TEAM, language: Language = ENGLISH) -> ChartType:
    """Stage-to-stage conversion per rep, each cell coloured by the rep's rate against the team's at that
    step (red below, green above, white level), so a rep who is weak where everyone is weak doesn't look
    alarming; the team's own row is grey. A click selects the rep."""
    g = language.gettext
    steps = funnel.dropna(subset=["from_previous"])
    team = steps[steps["rep"] == team_label].set_index("stage")["from_previous"]
    steps = _guard(
        steps.assign(team_rate=steps["stage"].map(team), against_team=steps["from_previous"] - steps["stage"].map(team))
    )
    steps = _translated_funnel(steps, language)
    team_row = g(team_label)
    pick = alt.selection_point(name=REP_PICK, fields=["rep"], on="click", clear="dblclick")
    order = list(dict.fromkeys(steps.sort_values("stage_index")["stage"]))
    reps = [team_row] + sorted(r for r in steps["rep"].unique() if r != team_row)
    widest = max(0.05, float(steps.loc[steps["rep"] != team_row, "against_team"].abs().max() or 0))
    base = alt.Chart(steps).encode(
        x=alt.X("stage:N", sort=order, title=g("Reached stage (from the one before)"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("rep:N", sort=reps, title=None),
    )
    tooltip = [
        alt.Tooltip("rep:N", title=g("Rep")),
        alt.Tooltip("stage:N", title=g("Stage")),
        alt.Tooltip("reached:Q", title=g("Reached"), format=","),
        alt.Tooltip("from_previous:Q", title=g("From the stage before"), format=".1%"),
        alt.Tooltip("team_rate:Q", title=g("Team's rate"), format=".1%"),
        alt.Tooltip("against_team:Q", title=g("Against the team"), format="+.1%"),
    ]
    cells = (
        base.mark_rect()
        .encode(
            color=alt.when(alt.datum.rep == team_row)
            .then(alt.value("#e6e6e6"))
            .otherwise(
                alt.Color(
                    "against_team:Q",
                    title=g("Against the team"),
                    scale=alt.Scale(scheme="redyellowgreen", domain=[-widest, widest], domainMid=0),
                    legend=alt.Legend(format="+%"),
                )
            ),
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.4)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    text = base.mark_text(fontSize=11).encode(text=alt.Text("from_previous:Q", format=".0%"), tooltip=tooltip)
    return alt.layer(cells, text).properties(height=alt.Step(22))


def _period_spans(periods: pd.DataFrame) -> pd.DataFrame:
    """Each period's bar: from its start to just before the next period, and its middle for the line."""
    starts = periods["period"]
    step = starts.diff().median() if len(starts) > 1 else pd.Timedelta(days=28)
    ends = starts.shift(-1).fillna(starts.iloc[-1] + step)
    gap = (ends - starts) * 0.12
    return periods.assign(bar_start=starts + gap, bar_end=ends - gap, middle=starts + (ends - starts) / 2)


def brushed_range(event) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The time range a user dragged across a trend chart, from st.altair_chart's selection state."""
    brushed = (event.selection.get(PERIOD_BRUSH) or {}) if event is not None else {}
    if "bar_start" not in brushed:
        return None
    start, end = (pd.to_datetime(value, unit="ms") for value in brushed["bar_start"][:2])
    return start, end


@_in_language
def trend_chart(
    periods: pd.DataFrame, activity_title: str, won_title: str, frequency: str = "month", language: Language = ENGLISH
) -> alt.LayerChart:
    """Effort as bars and results as a line on their own axis. With a lag the line is the results that many
    periods later, drawn at the period whose effort it is set against, so moving the lag moves the line.
    Marked periods get a red triangle; a period the data covers only in part is drawn pale and says so;
    a brush on the time axis selects a range. Month names sit under the middle of their bars."""
    g = language.gettext
    shown = _period_spans(_guard(periods)).assign(
        label=[language.short_month(p) if frequency == "month" else language.date(p) for p in periods["period"]],
        coverage=periods["partial"].map({True: g("partly covered"), False: g("whole")}),
    )
    brush = alt.selection_interval(name=PERIOD_BRUSH, encodings=["x"])
    tooltip = [
        alt.Tooltip("label:N", title=g("Period")),
        alt.Tooltip("activities:Q", title=activity_title, format=","),
        alt.Tooltip("won_after_lag:Q", title=won_title, format=","),
        alt.Tooltip("revenue_after_lag:Q", title=g("Revenue"), format=",.0f"),
        alt.Tooltip("activity_change:Q", title=g("Change in effort"), format="+.0%"),
        alt.Tooltip("won_change:Q", title=g("Change in results"), format="+.0%"),
        alt.Tooltip("coverage:N", title=g("Data")),
    ]
    monthly = frequency == "month"
    # Month labels are drawn as text at each bar's middle; an axis would put them at the month's first day.
    axis = alt.Axis(labels=False, ticks=False, title=None) if monthly else alt.Axis(format="%d %b", title=None)
    bars = (
        alt.Chart(shown)
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X("bar_start:T", axis=axis),
            x2="bar_end:T",
            y=alt.Y("activities:Q", title=activity_title),
            y2=alt.datum(0),
            opacity=alt.when(alt.datum.partial).then(alt.value(0.2)).otherwise(alt.value(0.55)),
            tooltip=tooltip,
        )
        .add_params(brush)
    )
    # Under the axis line (the value 0 on the effort scale), whatever size the page gives the chart.
    months = (
        alt.Chart(shown)
        .mark_text(baseline="top", dy=6, fontSize=11, color="#555")
        .encode(x="middle:T", y=alt.datum(0), text="label:N")
    )
    partial = (
        alt.Chart(shown[shown["partial"]])
        .mark_text(angle=270, align="left", dx=4, fontSize=10, color="#777")
        .encode(x="middle:T", y=alt.datum(0), text=alt.value(g("partly covered")))
    )
    marked = (
        alt.Chart(shown[shown["rose_without_results"]])
        .mark_point(shape="triangle-down", size=220, filled=True, color=FLAG_RED, yOffset=-12)
        .encode(x="middle:T", y=alt.Y("activities:Q"), tooltip=tooltip)
    )
    won = (
        alt.Chart(shown.dropna(subset=["won_after_lag"]))
        .mark_line(point=True, color="#f58518", strokeWidth=2.5)
        .encode(
            x="middle:T",
            y=alt.Y("won_after_lag:Q", title=won_title, axis=alt.Axis(titleColor="#f58518")),
            tooltip=tooltip,
        )
    )
    effort_layers = [bars, marked, partial] + ([months] if monthly else [])
    return (
        alt.layer(alt.layer(*effort_layers), won)
        .resolve_scale(y="independent")
        .properties(height=380, padding={"bottom": 24 if monthly else 4})
    )


@_in_language
def mix_chart(mix: pd.DataFrame, value: str, title: str, fmt: str, language: Language = ENGLISH) -> alt.Chart:
    shown = _guard(mix).assign(label=mix["label"].map(language.gettext))
    return (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort="-x", title=None),
            x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format=fmt)),
            tooltip=[
                alt.Tooltip("label:N", title=language.gettext("Activity")),
                alt.Tooltip(f"{value}:Q", title=title, format=fmt),
            ],
        )
        .properties(height=alt.Step(26))
    )


@_in_language
def team_spread_chart(reps: pd.DataFrame, pooled: float, language: Language = ENGLISH) -> ChartType:
    """Each rep's conversion as a dot on their team's row, with the team-wide pooled rate as a rule."""
    g = language.gettext
    points = _with_labels(_guard(reps.dropna(subset=["conversion"])), language).assign(
        team=reps["team"].fillna(g("(no team)"))
    )
    pick = alt.selection_point(name=REP_PICK, fields=["rep"], on="click", clear="dblclick")
    colours, _ = _status_scales(language)
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, size=110)
        .encode(
            x=alt.X("conversion:Q", title=g("Conversion"), axis=alt.Axis(format="%")),
            y=alt.Y("team:N", title=None),
            color=alt.Color("status_label:N", scale=colours, title=g("Status")),
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.45)),
            tooltip=[
                alt.Tooltip("rep:N", title=g("Rep")),
                alt.Tooltip("team:N", title=g("Team")),
                alt.Tooltip("conversion:Q", title=g("Conversion"), format=".1%"),
                alt.Tooltip("shrunk_conversion:Q", title=g("Fair rate"), format=".1%"),
                alt.Tooltip("effort:Q", title=g("Effort"), format=",.0f"),
            ],
        )
        .add_params(pick)
    )
    rule = (
        alt.Chart(pd.DataFrame({"pooled": [pooled]}))
        .mark_rule(color="#333", strokeDash=[4, 4])
        .encode(x="pooled:Q", tooltip=[alt.Tooltip("pooled:Q", title=g("Pooled rate"), format=".2%")])
    )
    return alt.layer(rule, dots).properties(height=alt.Step(46))


@_in_language
def satisfaction_chart(
    gaps: pd.DataFrame, satisfaction_title: str, revenue_title: str, language: Language = ENGLISH
) -> ChartType:
    """Revenue against mean satisfaction per rep; reps with a significant gap in colour."""
    g = language.gettext
    kinds = [g(HIGH_REVENUE_LOW_SATISFACTION), g(LOW_REVENUE_HIGH_SATISFACTION), g("no significant gap")]
    points = _guard(gaps).assign(kind=gaps["gap"].map(lambda gap: g(gap) if gap else kinds[2]))
    pick = alt.selection_point(name=REP_PICK, fields=["rep"], on="click", clear="dblclick")
    base = alt.Chart(points).encode(
        x=alt.X("revenue:Q", title=revenue_title),
        y=alt.Y("satisfaction:Q", title=satisfaction_title, scale=alt.Scale(zero=False)),
    )
    dots = (
        base.mark_point(filled=True, size=130)
        .encode(
            color=alt.Color(
                "kind:N", title=None, scale=alt.Scale(domain=kinds, range=["#d62728", "#59a14f", "#9aa5b1"])
            ),
            opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.45)),
            tooltip=[
                alt.Tooltip("rep:N", title=g("Rep")),
                alt.Tooltip("revenue:Q", title=revenue_title, format=",.0f"),
                alt.Tooltip("satisfaction:Q", title=satisfaction_title, format=".2f"),
                alt.Tooltip("ratings:Q", title=g("Ratings")),
                alt.Tooltip("others:Q", title=g("Rest of team"), format=".2f"),
                alt.Tooltip("t:Q", title=g("Welch t"), format=".2f"),
                alt.Tooltip("p:Q", format=".3f"),
            ],
        )
        .add_params(pick)
    )
    names = base.transform_filter(alt.datum.gap != "").mark_text(dy=-12, fontSize=11).encode(text="rep:N")
    return alt.layer(dots, names).properties(height=380)


@_in_language
def mix_rates_chart(mix: pd.DataFrame, language: Language = ENGLISH) -> ChartType:
    """Win rate of the deals each activity type touched, its interval, and the rate of deals that got as
    far in the funnel (the black tick) to judge it against."""
    g = language.gettext
    linked = _guard(mix[mix["linked"]])
    linked = linked.assign(label=linked["label"].map(g), verdict=linked["verdict"].map(g))
    verdicts = [g(PAYS_OFF), g(DOES_NOT_PAY), g(UNCLEAR)]
    y = alt.Y("label:N", title=None, sort=list(linked["label"]))
    tooltip = [
        alt.Tooltip("label:N", title=g("Activity")),
        alt.Tooltip("win_rate:Q", title=g("Win rate of deals touched"), format=".1%"),
        alt.Tooltip("win_rate_low:Q", title=g("Interval from"), format=".1%"),
        alt.Tooltip("win_rate_high:Q", title=g("Interval to"), format=".1%"),
        alt.Tooltip("baseline:Q", title=g("Deals that got as far"), format=".1%"),
        alt.Tooltip("decided_deals:Q", title=g("Decided deals touched")),
        alt.Tooltip("verdict:N", title=g("Verdict")),
    ]
    colour = alt.Color(
        "verdict:N", title=None, scale=alt.Scale(domain=verdicts, range=["#59a14f", "#d62728", "#4c78a8"])
    )
    bars = (
        alt.Chart(linked)
        .mark_rule(strokeWidth=3)
        .encode(
            y=y,
            x=alt.X(
                "win_rate_low:Q",
                title=g("Win rate of deals touched"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            x2="win_rate_high:Q",
            color=colour,
            tooltip=tooltip,
        )
    )
    dots = alt.Chart(linked).mark_point(filled=True, size=90).encode(y=y, x="win_rate:Q", color=colour, tooltip=tooltip)
    ticks = (
        alt.Chart(linked).mark_tick(color="black", thickness=2, size=22).encode(y=y, x="baseline:Q", tooltip=tooltip)
    )
    return alt.layer(bars, dots, ticks).properties(height=alt.Step(34))


@_in_language
def lag_chart(effect: pd.DataFrame, frequency: str, language: Language = ENGLISH) -> alt.Chart:
    """How closely effort tracks results L periods later."""
    g = language.gettext
    title = g("Results this many months later") if frequency == "month" else g("Results this many weeks later")
    return (
        alt.Chart(_guard(effect.dropna(subset=["correlation"])))
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X("lag:O", title=title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("correlation:Q", title=g("Correlation with effort"), scale=alt.Scale(domain=[-1, 1])),
            tooltip=[
                alt.Tooltip("lag:O", title=g("Lag")),
                alt.Tooltip("correlation:Q", format=".2f"),
                alt.Tooltip("periods:Q", title=g("Periods compared")),
            ],
        )
        .properties(height=220)
    )
