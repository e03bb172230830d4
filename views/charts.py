"""Altair charts built from the engine's tables. They draw; they never compute a rate.

Each chart that selects a rep uses the selection parameter REP_PICK over the `rep` field, so a page
reads the clicked rep back from st.altair_chart(..., on_select="rerun").
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.diagnostics import QUADRANT_LABELS, STATUS_FLAGGED, STATUS_NO_DEALS, STATUS_OK, STATUS_THIN

REP_PICK = "rep_pick"
PERIOD_BRUSH = "period_brush"
STATUSES = [STATUS_FLAGGED, STATUS_OK, STATUS_THIN, STATUS_NO_DEALS]
STATUS_COLOURS = alt.Scale(domain=STATUSES, range=["#d62728", "#4c78a8", "#b8b8b8", "#b07aa1"])
STATUS_SHAPES = alt.Scale(domain=STATUSES, range=["triangle-down", "circle", "circle", "square"])
FLAG_RED = "#d62728"
BUSY_FILL = "#fbe3e1"
MAX_POINTS = 5000


def _guard(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame) > MAX_POINTS:
        raise ValueError(f"{len(frame)} rows is too many to chart; aggregate first")
    return frame


def _rep_tooltip(unit: str = "rep") -> list[alt.Tooltip]:
    who = [alt.Tooltip("rep:N", title="Rep"), alt.Tooltip("team:N", title="Team")] if unit == "rep" else \
        [alt.Tooltip("team:N", title="Team")]
    return [
        *who,
        alt.Tooltip("activities:Q", title="Activities", format=","),
        alt.Tooltip("effort:Q", title="Effort", format=",.0f"),
        alt.Tooltip("won:Q", title="Won", format=","),
        alt.Tooltip("revenue:Q", title="Revenue", format=",.0f"),
        alt.Tooltip("conversion:Q", title="Conversion", format=".1%"),
        alt.Tooltip("shrunk_conversion:Q", title="Fair rate (shrunk to the team's)", format=".1%"),
        alt.Tooltip("p_adjusted:Q", title="p across the team", format=".3f"),
        alt.Tooltip("quadrant_label:N", title="Quadrant"),
        alt.Tooltip("status:N", title="Status"),
    ]


def quadrant_chart(units: pd.DataFrame, lines: dict[str, float], performance: str, activity_title: str,
                   performance_title: str, curve: pd.DataFrame | None = None, unit: str = "rep") -> alt.LayerChart:
    """Reps (or teams) by activity (x) and performance (y), lines at the medians, the busy-but-not-converting
    quadrant shaded, flagged units drawn as labelled red triangles, and the team's expected curve if given."""
    # Effort: activities weighed by type (the same as activities when every weight is 1), as the flag uses.
    effort = "effort" if "effort" in units else "activities"
    points = _guard(units).assign(quadrant_label=units["quadrant"].map(QUADRANT_LABELS))
    x_line, y_line = lines.get("effort", lines["activities"]), lines[performance]
    x_max = max(float(points[effort].max()) * 1.08, x_line * 1.1, 1.0)
    y_max = max(float(points[performance].max()) * 1.08, y_line * 1.1, 1.0)
    pick = alt.selection_point(name=REP_PICK, fields=[unit], on="click", clear="dblclick")
    x = alt.X(f"{effort}:Q", title=activity_title, scale=alt.Scale(domain=[0, x_max], nice=False))
    y = alt.Y(f"{performance}:Q", title=performance_title, scale=alt.Scale(domain=[0, y_max], nice=False))
    busy_zone = alt.Chart(pd.DataFrame({"x": [x_line], "x2": [x_max], "y": [0], "y2": [y_line]})).mark_rect(
        color=BUSY_FILL).encode(x="x:Q", x2="x2:Q", y="y:Q", y2="y2:Q")
    zone_label = alt.Chart(pd.DataFrame({"x": [x_max], "y": [0], "text": ["Busy, not converting"]})).mark_text(
        align="right", baseline="bottom", dx=-6, dy=-6, color="#b03a2e", fontWeight="bold").encode(
        x="x:Q", y="y:Q", text="text:N")
    rules = alt.Chart(pd.DataFrame({"x": [x_line], "y": [y_line]}))
    v_rule = rules.mark_rule(strokeDash=[4, 4], color="#777").encode(x="x:Q")
    h_rule = rules.mark_rule(strokeDash=[4, 4], color="#777").encode(y="y:Q")
    dots = alt.Chart(points).mark_point(filled=True, size=140).encode(
        x=x, y=y,
        color=alt.Color("status:N", scale=STATUS_COLOURS, title="Status"),
        shape=alt.Shape("status:N", scale=STATUS_SHAPES, legend=None),
        opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.35)),
        tooltip=_rep_tooltip(unit),
    ).add_params(pick)
    # Above the point: flagged reps sit right of the median line and near the edge, so a side label collides.
    names = alt.Chart(points[points["status"] == STATUS_FLAGGED]).mark_text(
        align="center", dy=-16, color="#b03a2e", fontSize=12, fontWeight="bold").encode(x=x, y=y, text=f"{unit}:N")
    layers = [busy_zone, zone_label, v_rule, h_rule]
    if curve is not None and len(curve):
        layers.append(alt.Chart(curve.assign(label="Expected for this activity")).mark_line(
            color="#59a14f", strokeWidth=2, clip=True).encode(
            x=f"{effort if effort in curve else 'activities'}:Q", y="expected:Q",
            tooltip=[alt.Tooltip(f"{effort if effort in curve else 'activities'}:Q", title=activity_title,
                                 format=",.0f"),
                     alt.Tooltip("expected:Q", title="Expected", format=",.1f")]))
    return alt.layer(*layers, dots, names).properties(height=460)


def funnel_plot(reps: pd.DataFrame, limits: pd.DataFrame, volume_title: str, flag_title: str) -> alt.LayerChart:
    """Conversion against volume: the pooled rate, its 95% and 99.8% limits on both sides, and the lower
    limit the flag uses once adjusted for judging every rep at once (`flag_title` names it). Reps below
    that limit are drawn as triangles."""
    points = _guard(reps.dropna(subset=["conversion"])).assign(
        quadrant_label=reps["quadrant"].map(QUADRANT_LABELS))
    pick = alt.selection_point(name=REP_PICK, fields=["rep"], on="click", clear="dblclick")
    names = {"95%": "95% limits", "99.8%": "99.8% limits", "flag": flag_title}
    curves = limits.melt(id_vars=["trials", "curve"], value_vars=["lower", "upper"], var_name="side",
                         value_name="rate").dropna(subset=["rate"])
    curves["limit"] = curves["curve"].map(names)
    curves["series"] = curves["limit"] + " " + curves["side"]
    shown_limits = [name for key, name in names.items() if key in set(limits["curve"])]
    x = alt.X("trials:Q", title=volume_title, scale=alt.Scale(type="linear", zero=True))
    # The limits fan out towards 100% at tiny volumes; cut the view where the reps are, not where the curves go.
    top = min(1.0, max(float(points["conversion"].max()) * 1.3, float(limits["pooled"].max()) * 2.5, 0.05))
    y = alt.Y("rate:Q", title="Conversion", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, top]))
    colours = {names["95%"]: "#7f7f7f", names["99.8%"]: "#c0c0c0", names["flag"]: FLAG_RED}
    # One legend, by colour; the dashes follow the curve so a printout in grey still tells them apart.
    lines = alt.Chart(_guard(curves)).mark_line(clip=True).encode(
        x=x, y=y, detail="series:N",
        color=alt.Color("limit:N", title="Limits", scale=alt.Scale(
            domain=shown_limits, range=[colours[name] for name in shown_limits])),
        strokeDash=alt.when(alt.datum.curve == "95%").then(alt.value([8, 4])).when(
            alt.datum.curve == "99.8%").then(alt.value([2, 2])).otherwise(alt.value([1, 0])))
    pooled = alt.Chart(limits.head(1)).mark_rule(color="#333").encode(
        y="pooled:Q", tooltip=[alt.Tooltip("pooled:Q", title="Team pooled rate", format=".2%")])
    dots = alt.Chart(points.assign(below=points["below_limit"].map({True: "below the flag limit",
                                                                     False: "within the limits"}))).mark_point(
        filled=True, size=110, clip=True).encode(
        x=x, y=alt.Y("conversion:Q", scale=alt.Scale(domain=[0, top])),
        fill=alt.Fill("status:N", scale=STATUS_COLOURS, title="Status"),
        stroke=alt.value("white"),
        shape=alt.Shape("below:N", title=None, scale=alt.Scale(domain=["below the flag limit", "within the limits"],
                                                               range=["triangle-down", "circle"])),
        opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.35)),
        tooltip=_rep_tooltip(),
    ).add_params(pick)
    return alt.layer(lines, pooled, dots).resolve_scale(color="independent").properties(height=420)


def stage_funnel_chart(funnel: pd.DataFrame, who: list[str]) -> alt.Chart:
    """Share of the first stage that reaches each stage, for the team and the chosen reps side by side."""
    shown = _guard(funnel[funnel["rep"].isin(who)])
    order = list(dict.fromkeys(funnel.sort_values("stage_index")["stage"]))
    return alt.Chart(shown).mark_bar().encode(
        y=alt.Y("stage:N", sort=order, title=None),
        x=alt.X("from_first:Q", title="Share of the first stage reached", axis=alt.Axis(format="%")),
        yOffset=alt.YOffset("rep:N", sort=who),
        color=alt.Color("rep:N", sort=who, title=None, scale=alt.Scale(scheme="tableau10")),
        tooltip=[alt.Tooltip("rep:N", title="Rep"), alt.Tooltip("stage:N", title="Stage"),
                 alt.Tooltip("reached:Q", title="Reached", format=","),
                 alt.Tooltip("from_previous:Q", title="From previous stage", format=".1%"),
                 alt.Tooltip("from_first:Q", title="From first stage", format=".1%")],
    ).properties(height=alt.Step(14))


def stage_heatmap(funnel: pd.DataFrame, team_label: str) -> alt.Chart:
    """Stage-to-stage conversion per rep, one cell per rep and step; a click selects the rep."""
    steps = _guard(funnel.dropna(subset=["from_previous"]))
    pick = alt.selection_point(name=REP_PICK, fields=["rep"], on="click", clear="dblclick")
    order = list(dict.fromkeys(steps.sort_values("stage_index")["stage"]))
    reps = [team_label] + sorted(r for r in steps["rep"].unique() if r != team_label)
    base = alt.Chart(steps).encode(
        x=alt.X("stage:N", sort=order, title="Reached stage (from the one before)", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("rep:N", sort=reps, title=None))
    cells = base.mark_rect().encode(
        color=alt.Color("from_previous:Q", title="Conversion", scale=alt.Scale(scheme="redyellowgreen"),
                        legend=alt.Legend(format="%")),
        opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.4)),
        tooltip=[alt.Tooltip("rep:N", title="Rep"), alt.Tooltip("stage:N", title="Stage"),
                 alt.Tooltip("reached:Q", title="Reached", format=","),
                 alt.Tooltip("from_previous:Q", title="From previous stage", format=".1%")],
    ).add_params(pick)
    text = base.mark_text(fontSize=11).encode(text=alt.Text("from_previous:Q", format=".0%"))
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


def trend_chart(periods: pd.DataFrame, activity_title: str, won_title: str, frequency: str = "month"
                ) -> alt.LayerChart:
    """Activity as bars and won deals as a line on their own axis; marked periods get a red triangle and a
    brush on the time axis selects a range."""
    shown = _period_spans(_guard(periods))
    brush = alt.selection_interval(name=PERIOD_BRUSH, encodings=["x"])
    tooltip = [alt.Tooltip("period:T", title="Period"),
               alt.Tooltip("activities:Q", title=activity_title, format=","),
               alt.Tooltip("won:Q", title=won_title, format=","),
               alt.Tooltip("revenue:Q", title="Revenue", format=",.0f"),
               alt.Tooltip("activity_change:Q", title="Activity change", format="+.0%"),
               alt.Tooltip("won_change:Q", title="Won change", format="+.0%")]
    bars = alt.Chart(shown).mark_bar(opacity=0.55, color="#4c78a8").encode(
        x=alt.X("bar_start:T", title=None, axis=alt.Axis(
            format="%b %Y" if frequency == "month" else "%d %b", tickCount="month" if frequency == "month" else None)),
        x2="bar_end:T", y=alt.Y("activities:Q", title=activity_title),
        y2=alt.datum(0),
        tooltip=tooltip).add_params(brush)
    won = alt.Chart(shown).mark_line(point=True, color="#f58518", strokeWidth=2.5).encode(
        x="middle:T", y=alt.Y("won:Q", title=won_title, axis=alt.Axis(titleColor="#f58518")), tooltip=tooltip)
    marked = alt.Chart(shown[shown["rose_without_results"]]).mark_point(
        shape="triangle-down", size=220, filled=True, color="#d62728", yOffset=-12).encode(
        x="middle:T", y=alt.Y("activities:Q"), tooltip=tooltip)
    return alt.layer(alt.layer(bars, marked), won).resolve_scale(y="independent").properties(height=380)


def mix_chart(mix: pd.DataFrame, value: str, title: str, fmt: str) -> alt.Chart:
    return alt.Chart(_guard(mix)).mark_bar().encode(
        y=alt.Y("label:N", sort="-x", title=None), x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format=fmt)),
        tooltip=[alt.Tooltip("label:N", title="Activity"), alt.Tooltip(f"{value}:Q", title=title, format=fmt)],
    ).properties(height=alt.Step(26))


def team_spread_chart(reps: pd.DataFrame, pooled: float) -> alt.LayerChart:
    """Each rep's conversion as a dot on their team's row, with the team-wide pooled rate as a rule."""
    points = _guard(reps.dropna(subset=["conversion"])).assign(team=reps["team"].fillna("(no team)"))
    pick = alt.selection_point(name=REP_PICK, fields=["rep"], on="click", clear="dblclick")
    dots = alt.Chart(points).mark_point(filled=True, size=110).encode(
        x=alt.X("conversion:Q", title="Conversion", axis=alt.Axis(format="%")),
        y=alt.Y("team:N", title=None),
        color=alt.Color("status:N", scale=STATUS_COLOURS, title="Status"),
        opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.45)),
        tooltip=[alt.Tooltip("rep:N", title="Rep"), alt.Tooltip("team:N", title="Team"),
                 alt.Tooltip("conversion:Q", title="Conversion", format=".1%"),
                 alt.Tooltip("activities:Q", title="Activities", format=",")],
    ).add_params(pick)
    rule = alt.Chart(pd.DataFrame({"pooled": [pooled]})).mark_rule(color="#333", strokeDash=[4, 4]).encode(
        x="pooled:Q", tooltip=[alt.Tooltip("pooled:Q", title="Pooled rate", format=".2%")])
    return alt.layer(rule, dots).properties(height=alt.Step(46))


def satisfaction_chart(gaps: pd.DataFrame, satisfaction_title: str, revenue_title: str) -> alt.LayerChart:
    """Revenue against mean satisfaction per rep; reps with a significant gap in colour."""
    points = _guard(gaps).assign(kind=gaps["gap"].replace("", "no significant gap"))
    pick = alt.selection_point(name=REP_PICK, fields=["rep"], on="click", clear="dblclick")
    base = alt.Chart(points).encode(
        x=alt.X("revenue:Q", title=revenue_title),
        y=alt.Y("satisfaction:Q", title=satisfaction_title, scale=alt.Scale(zero=False)))
    dots = base.mark_point(filled=True, size=130).encode(
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=["high revenue, low satisfaction", "low revenue, high satisfaction", "no significant gap"],
            range=["#d62728", "#59a14f", "#9aa5b1"])),
        opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.45)),
        tooltip=[alt.Tooltip("rep:N", title="Rep"), alt.Tooltip("revenue:Q", title=revenue_title, format=",.0f"),
                 alt.Tooltip("satisfaction:Q", title=satisfaction_title, format=".2f"),
                 alt.Tooltip("ratings:Q", title="Ratings"), alt.Tooltip("others:Q", title="Rest of team",
                                                                       format=".2f"),
                 alt.Tooltip("t:Q", title="Welch t", format=".2f"), alt.Tooltip("p:Q", format=".3f")],
    ).add_params(pick)
    names = base.transform_filter(alt.datum.gap != "").mark_text(dy=-12, fontSize=11).encode(text="rep:N")
    return alt.layer(dots, names).properties(height=380)


def mix_rates_chart(mix: pd.DataFrame) -> alt.LayerChart:
    """Win rate of the deals each activity type touched, its 95% interval, and the rate of deals that got as
    far in the funnel (the black tick) to judge it against."""
    linked = _guard(mix[mix["linked"]])
    y = alt.Y("label:N", title=None, sort=list(linked["label"]))
    tooltip = [alt.Tooltip("label:N", title="Activity"),
               alt.Tooltip("win_rate:Q", title="Win rate of deals touched", format=".1%"),
               alt.Tooltip("win_rate_low:Q", title="95% interval from", format=".1%"),
               alt.Tooltip("win_rate_high:Q", title="95% interval to", format=".1%"),
               alt.Tooltip("baseline:Q", title="Deals that got as far", format=".1%"),
               alt.Tooltip("decided_deals:Q", title="Decided deals touched"),
               alt.Tooltip("verdict:N", title="Verdict")]
    colour = alt.Color("verdict:N", title=None, scale=alt.Scale(
        domain=["pays off", "does not pay off", "can't tell yet"], range=["#59a14f", "#d62728", "#4c78a8"]))
    bars = alt.Chart(linked).mark_rule(strokeWidth=3).encode(
        y=y, x=alt.X("win_rate_low:Q", title="Win rate of deals touched", axis=alt.Axis(format="%"),
                     scale=alt.Scale(domain=[0, 1])), x2="win_rate_high:Q", color=colour, tooltip=tooltip)
    dots = alt.Chart(linked).mark_point(filled=True, size=90).encode(y=y, x="win_rate:Q", color=colour,
                                                                     tooltip=tooltip)
    ticks = alt.Chart(linked).mark_tick(color="black", thickness=2, size=22).encode(y=y, x="baseline:Q",
                                                                                   tooltip=tooltip)
    return alt.layer(bars, dots, ticks).properties(height=alt.Step(34))


def lag_chart(effect: pd.DataFrame, period_word: str) -> alt.Chart:
    """How closely activity tracks results L periods later."""
    return alt.Chart(_guard(effect.dropna(subset=["correlation"]))).mark_bar(color="#4c78a8").encode(
        x=alt.X("lag:O", title=f"Results this many {period_word}s later", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("correlation:Q", title="Correlation with activity", scale=alt.Scale(domain=[-1, 1])),
        tooltip=[alt.Tooltip("lag:O", title="Lag"), alt.Tooltip("correlation:Q", format=".2f"),
                 alt.Tooltip("periods:Q", title="Periods compared")],
    ).properties(height=220)
