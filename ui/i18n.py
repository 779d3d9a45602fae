"""One translation table for every label, message, chart title and help text (English / 简体中文).

A test fails when a key used in the app lacks either language.
"""

from __future__ import annotations

import streamlit as st

from riskcore.chinese import cjk_spacing
from riskcore.findings import FINDINGS_TEXT
from riskcore.quantiles import confidence, level_key

LANGUAGES = {"en": "English", "zh": "简体中文"}

# key: (English, 简体中文)
TEXT: dict[str, tuple[str, str]] = {
    **FINDINGS_TEXT,  # verdict, benchmark and warning sentences: the core's, shared
    # navigation and sidebar
    "nav.data": ("Data", "数据"),
    "nav.train": ("Train", "训练"),
    "nav.results": ("Results", "结果"),
    # validate page (ui/validate_widgets.py)
    "nav.validate": ("Validate", "验证"),
    "validate.title": ("Model validation", "模型验证"),
    "validate.caption": (
        "The checks a model validator runs on the test split of run {run_id}, each with a "
        "green, amber or red light from the validation policy. Results are stored with the run "
        "(validation.json) and go into the PDF report and the model documentation.",
        "模型验证人员对运行 {run_id} 测试集执行的各项检验，每项按验证政策给出绿、黄、红灯。"
        "结果随运行保存（validation.json），并写入 PDF 报告与模型文档。",
    ),
    "validate.no_run": (
        "No run selected: train a classification or VaR (quantile) run on the Train page, "
        "then validate it here.",
        "未选择运行：请先在训练页训练一个分类或 VaR（分位数）模型，再回到这里验证。",
    ),
    "validate.running": ("Running the validation checks…", "正在执行验证检验……"),
    "validate.showing_stored": (
        "Showing the validation stored with the run instead.",
        "改为显示随运行保存的验证结果。",
    ),
    "validate.headline": (
        "Overall {light}: {red} red, {amber} amber, {green} green (policy “{policy}”).",
        "总体 {light}：红灯 {red} 项，黄灯 {amber} 项，绿灯 {green} 项（政策“{policy}”）。",
    ),
    "validate.data": (
        "Validated {rows} test rows with {events} events; period {period}.",
        "验证了 {rows} 条测试样本，其中事件 {events} 个；期间 {period}。",
    ),
    "validate.light.green": ("green", "绿灯"),
    "validate.light.amber": ("amber", "黄灯"),
    "validate.light.red": ("red", "红灯"),
    "validate.light.none": ("no data", "无数据"),
    "validate.threshold.red": ("red {sign} {value}", "红灯 {sign} {value}"),
    "validate.threshold.amber": ("amber {sign} {value}", "黄灯 {sign} {value}"),
    "validate.threshold.verdict": (
        "red: comparator better beyond the paired 95% CI",
        "比较模型在配对 95% 区间之外更优时为红灯",
    ),
    "validate.check.test_gini": ("Test Gini of the deep model", "深度模型测试集 Gini"),
    "validate.check.comparator": (
        "Deep model vs best comparator (ROC-AUC, paired interval)",
        "深度模型与最佳比较模型（ROC-AUC，配对区间）",
    ),
    "validate.check.grades": (
        "Per-grade calibration (smallest p-value)",
        "各等级校准（最小 p 值）",
    ),
    "validate.check.hosmer_lemeshow": ("Hosmer-Lemeshow p-value", "Hosmer-Lemeshow 检验 p 值"),
    "validate.check.spiegelhalter": ("Spiegelhalter p-value", "Spiegelhalter 检验 p 值"),
    "validate.check.discrimination": (
        "Periods with ROC-AUC below the whole-test value",
        "ROC-AUC 低于整体测试值的期数",
    ),
    "validate.check.score_psi": ("PSI of the score against training", "评分相对训练集的 PSI"),
    "validate.check.input_psi": (
        "Largest PSI of an input against training",
        "输入变量相对训练集的最大 PSI",
    ),
    "validate.check.adverse_impact": (
        "Adverse-impact shortfall (1 - ratio)",
        "不利影响差距（1 - 比率）",
    ),
    "validate.col.light": ("Light", "信号灯"),
    "validate.col.check": ("Check", "检验"),
    "validate.col.value": ("Value", "数值"),
    "validate.col.threshold": ("Thresholds", "阈值"),
    "validate.col.detail": ("Detail", "说明"),
    "validate.detail_line": ("**Detail:** {detail}", "**说明**：{detail}"),
    "validate.col.test": ("Test", "检验"),
    "validate.col.grade": ("Grade", "等级"),
    "validate.col.pd_range": ("PD range", "PD 区间"),
    "validate.col.n": ("Rows", "样本数"),
    "validate.col.events": ("Events", "事件数"),
    "validate.col.defaults": ("Defaults", "违约数"),
    "validate.col.mean_pd": ("Mean PD", "平均 PD"),
    "validate.col.observed_rate": ("Observed rate", "实际违约率"),
    "validate.col.binomial_p": ("Binomial p", "二项检验 p"),
    "validate.col.jeffreys_p": ("Jeffreys p", "Jeffreys 检验 p"),
    "validate.col.period": ("Period", "期间"),
    "validate.col.roc_auc": ("ROC-AUC [95% CI]", "ROC-AUC [95% 区间]"),
    "validate.col.roc_auc_lo": ("lower", "下限"),
    "validate.col.roc_auc_hi": ("upper", "上限"),
    "validate.col.flagged": ("Flagged", "预警"),
    # the ROC-AUC per period table (ui/validate_widgets.py periods_frame)
    "validate.col.period_period": ("Period", "期间"),
    "validate.col.period_n": ("Rows", "样本数"),
    "validate.col.period_events": ("Events", "事件数"),
    "validate.col.period_roc_auc": ("ROC-AUC", "ROC-AUC"),
    "validate.col.period_roc_auc_lo": ("95% CI lower", "95% 区间下限"),
    "validate.col.period_roc_auc_hi": ("95% CI upper", "95% 区间上限"),
    "validate.col.period_flagged": ("Below the whole test", "低于整体测试值"),
    # riskcore.drift.psi_reading, spaces as underscores
    # chart titles: what each chart draws (a check's chart "title" in riskcore/validation/checks)
    "validate.chart.grades": (
        "Mean PD and observed default rate per grade",
        "各等级平均 PD 与实际违约率",
    ),
    "validate.chart.calibration": (
        "Calibration: observed rate against mean PD (Hosmer-Lemeshow groups)",
        "校准：实际违约率对平均 PD（Hosmer-Lemeshow 分组）",
    ),
    "validate.chart.roc_auc_by_period": (
        "ROC-AUC per period, with its 95% interval",
        "各期 ROC-AUC 及其 95% 区间",
    ),
    "validate.chart.score_psi_by_period": (
        "PSI of the score against training, per period",
        "各期评分相对训练集的 PSI",
    ),
    "validate.chart.input_psi_by_period": (
        "PSI of each input against training, per period",
        "各期各输入变量相对训练集的 PSI",
    ),
    "validate.chart.adverse_impact_ratio": (
        "Adverse-impact ratio per segment (dashed: four fifths)",
        "各分组不利影响比率（虚线：五分之四）",
    ),
    "validate.chart.breach_rate_by_scope": ("Breach rate per entity", "各实体突破率"),
    "validate.chart.kupiec_p_by_scope": ("Kupiec p-value per entity", "各实体 Kupiec p 值"),
    "validate.chart.christoffersen_p_by_scope": (
        "Christoffersen p-value per entity",
        "各实体 Christoffersen p 值",
    ),
    "validate.chart.conditional_coverage_p_by_scope": (
        "Conditional-coverage p-value per entity",
        "各实体条件覆盖 p 值",
    ),
    "validate.chart.es_z2_by_scope": ("ES Z2 per entity", "各实体 ES Z2"),
    "validate.whole_test": ("whole test", "整个测试集"),
    "validate.diagonal": ("perfect calibration (y = x)", "完美校准（y = x）"),
    "validate.col.psi": ("PSI", "PSI"),
    "validate.col.reading": ("Reading", "解读"),
    "validate.col.segment": ("Segment", "分组"),
    "validate.col.event_rate": ("Event rate", "事件率"),
    "validate.col.approval_rate": ("Approval rate", "通过率"),
    "validate.col.adverse_impact_ratio": ("Adverse-impact ratio", "不利影响比率"),
    "validate.col.four_fifths_flag": ("Below four fifths", "低于五分之四"),
    "validate.tab_checks": ("Checks", "检验"),
    "validate.tab_grades": ("Master scale", "主标尺"),
    "validate.tab_portfolio": ("Portfolio tests", "组合检验"),
    "validate.tab_over_time": ("Over time", "随时间"),
    "validate.tab_migration": ("Migration", "等级迁移"),
    "validate.tab_segments": ("Segments", "分组"),
    "validate.tab_policy": ("Policy", "政策"),
    "validate.skipped": ("Not run: {check} ({reason}).", "未执行：{check}（{reason}）。"),
    "validate.no_chart": ("Nothing to draw for this check.", "该检验没有可绘制的数据。"),
    "validate.no_rows": ("No rows to grade.", "没有可分级的样本。"),
    "validate.interval": ("95% interval", "95% 区间"),
    "validate.scale": (
        "Master scale: {grades} grades ({method}; bounds from: {source}). Per grade the "
        "one-sided binomial and Jeffreys tests of the mean PD against the observed rate.",
        "主标尺：{grades} 个等级（{method}；边界来源：{source}）。各等级以单侧二项检验和 "
        "Jeffreys 检验比较平均 PD 与实际违约率。",
    ),
    "validate.portfolio.n": ("Rows", "样本数"),
    "validate.portfolio.defaults": ("Defaults", "违约数"),
    "validate.portfolio.mean_pd": ("Mean PD", "平均 PD"),
    "validate.portfolio.observed_rate": ("Observed rate", "实际违约率"),
    "validate.portfolio.hosmer_lemeshow": ("Hosmer-Lemeshow statistic", "Hosmer-Lemeshow 统计量"),
    "validate.portfolio.hosmer_lemeshow_df": ("Hosmer-Lemeshow df", "Hosmer-Lemeshow 自由度"),
    "validate.portfolio.hosmer_lemeshow_p": ("Hosmer-Lemeshow p-value", "Hosmer-Lemeshow p 值"),
    "validate.portfolio.spiegelhalter_z": ("Spiegelhalter z", "Spiegelhalter z 值"),
    "validate.portfolio.spiegelhalter_p": ("Spiegelhalter p-value", "Spiegelhalter p 值"),
    "validate.portfolio.calibration_slope": ("Calibration slope", "校准斜率"),
    "validate.portfolio.calibration_intercept": ("Calibration intercept", "校准截距"),
    "validate.auc_per_period": ("ROC-AUC per period", "各期 ROC-AUC"),
    "validate.psi_per_period": ("PSI of the score per period", "各期评分 PSI"),
    "validate.no_periods": (
        "No periods: the data has no dates (cross-sectional).",
        "没有分期：数据不含日期（截面数据）。",
    ),
    "validate.no_psi": (
        "No PSI: the run has no training reference (reference.csv).",
        "无 PSI：该运行没有训练参照数据（reference.csv）。",
    ),
    "validate.feature_score": ("risk score", "风险评分"),
    "validate.whole": ("whole split", "整个测试集"),
    "validate.yes": ("yes", "是"),
    "validate.no": ("no", "否"),
    "validate.no_migration": ("No migration matrix: {reason}.", "无等级迁移矩阵：{reason}。"),
    "validate.migration_caption": (
        "Grades of {entities} entities from {start} to {end}: {stable} stable, {down} "
        "downgraded, {up} upgraded.",
        "{entities} 个实体自 {start} 至 {end} 的等级变化：不变 {stable}，下调 {down}，上调 {up}。",
    ),
    "validate.share_count": ("{share} ({count})", "{share}（{count} 个）"),
    "validate.from_grade": ("Grade at start", "期初等级"),
    "validate.to_grade": ("Grade at end", "期末等级"),
    "validate.segment": ("Segment by", "分组依据"),
    "validate.segment_none": ("(no segments)", "（不分组）"),
    "validate.segment_help": (
        "A static categorical, the entity, or a numeric column cut into quantile bins. Per "
        "segment: rows, event rate, ROC-AUC, approval rate at the run's decision threshold and "
        "the adverse-impact ratio against the most favoured segment (four-fifths rule).",
        "静态类别变量、实体，或按分位数分箱的数值列。各分组给出：样本数、事件率、ROC-AUC、"
        "运行决策阈值下的通过率，以及相对最优分组的不利影响比率（五分之四规则）。",
    ),
    "validate.segment_caption": (
        "Segments of “{column}” ({kind}); approve = score below the threshold {threshold}.",
        "“{column}”的分组（{kind}）；评分低于阈值 {threshold} 即通过。",
    ),
    "validate.kind.categorical": ("categories", "类别"),
    "validate.kind.binned": ("quantile bins", "分位数分箱"),
    "validate.no_segment": (
        "Pick a column under “Segment by” to see segments and adverse impact.",
        "请在“分组依据”中选择一列以查看分组与不利影响。",
    ),
    "validate.policy_default": ("default policy", "默认政策"),
    "validate.policy_in_use": ("Policy in use: {name}.", "当前政策：{name}。"),
    "validate.policy_upload": ("Load another policy file (JSON)", "加载其他政策文件（JSON）"),
    "validate.policy_upload_help": (
        "Which checks run and where each turns amber or red; keys left out keep their defaults "
        "(see sample_data/validation_policy.json). The checks run again at once.",
        "规定执行哪些检验及各自的黄灯、红灯阈值；未写出的键保留默认值（参见 "
        "sample_data/validation_policy.json）。上传后立即重新检验。",
    ),
    "validate.policy_reset": ("Default policy", "恢复默认政策"),
    "validate.policy_download": ("Download this policy (JSON)", "下载该政策（JSON）"),
    "report.docx_header": ("Model documentation", "模型文档"),
    "report.docx_caption": (
        "An editable Word document for validation and approval: purpose, data lineage, "
        "methodology, performance, validation lights, explanations, scenarios, limitations and "
        "monitoring, in the report language; fields only you can fill are marked "
        "“[to be completed: …]”.",
        "供验证与审批使用的可编辑 Word 文档：目的、数据来源、方法、表现、验证信号灯、解释、情景、"
        "局限与监测，使用报告语言；只有您能填写的内容标注为“[待填写：…]”。",
    ),
    "report.docx_build": ("Build model documentation (.docx)", "生成模型文档（.docx）"),
    "report.docx_building": ("Writing the model documentation…", "正在生成模型文档……"),
    "report.docx_download": (
        "Download model documentation (.docx)",
        "下载模型文档（.docx）",
    ),
    "sidebar.language": ("Language", "语言"),
    "sidebar.device": ("Device: {device}", "设备：{device}"),
    "sidebar.active_run": ("Active run", "当前运行"),
    "sidebar.no_runs": (
        "No runs yet: train one on the Train page.",
        "还没有运行记录：请在训练页训练模型。",
    ),
    "sidebar.no_own_runs": (
        "No runs of yours yet: train one on the Train page, or show all runs in the store.",
        "您还没有运行记录：请在训练页训练模型，或显示存储中的全部运行。",
    ),
    "auth.sign_in_needed": (
        "Sign in to use RiskLens. Your runs are private to you and the teams you share them with.",
        "请登录后使用 RiskLens。您的运行仅您本人及您共享的团队可见。",
    ),
    "auth.sign_in": ("Sign in", "登录"),
    "auth.sign_out": ("Sign out", "退出登录"),
    "auth.signed_in": ("Signed in as {user} {role}", "已登录：{user} {role}"),
    "auth.admin": ("(admin)", "（管理员）"),
    "auth.single_user": (
        "Single-user mode: no sign-in is configured, so RiskLens serves this computer only "
        "(127.0.0.1). See the README's deployment section to share it.",
        "单用户模式：未配置登录，RiskLens 仅在本机（127.0.0.1）提供服务。共享部署请参阅 README "
        "的部署一节。",
    ),
    "auth.exposed": (
        "RiskLens is listening on {address} without sign-in: anyone who reaches this port "
        "would see and change every run. Configure sign-in ([auth] in .streamlit/secrets.toml, "
        "see the README's deployment section) or start it with --server.address 127.0.0.1.",
        "RiskLens 在未配置登录的情况下监听 {address}：任何能访问此端口的人都能查看和修改所有运行。"
        "请配置登录（.streamlit/secrets.toml 中的 [auth]，见 README 部署一节），或使用 "
        "--server.address 127.0.0.1 启动。",
    ),
    "sidebar.shared_with": ("Shared with teams", "共享给团队"),
    "sidebar.shared_help": (
        "Members of these teams can open this run read-only; only you can change or delete it.",
        "这些团队的成员可只读打开此运行；只有您可以修改或删除它。",
    ),
    "sidebar.delete": ("Delete this run", "删除此运行"),
    "sidebar.delete_confirm": (
        "Delete run {run_id} and all its files? This cannot be undone.",
        "删除运行 {run_id} 及其全部文件？此操作无法撤销。",
    ),
    "sidebar.deleted": ("Run {run_id} deleted.", "运行 {run_id} 已删除。"),
    "sidebar.all_runs": ("Show all runs in the store", "显示存储中的全部运行"),
    "sidebar.all_runs_help": (
        "Off: the runs trained in this browser session, and command-line runs. On: every run "
        "in the shared run folder (RISKCORE_HOME), including other users' sessions' runs.",
        "关闭：显示本浏览器会话训练的运行及命令行训练的运行。开启：显示共享运行目录（RISKCORE_HOME）"
        "中的全部运行，包括其他用户会话的运行。",
    ),
    "error.prefix": ("Cannot continue:", "无法继续："),
    # data page
    "upload.limit": ("{mb} MB per file", "每个文件不超过 {mb} MB"),
    "upload.button": ("Upload", "上传"),
    "data.choose": ("Choose options", "请选择"),
    "data.mapping_kept": (
        "Column mapping kept: {name} has every mapped column.",
        "已保留列映射：{name}包含所有已映射的列。",
    ),
    "data.mapping_new": (
        "New column mapping guessed: {name} lacks {columns}.",
        "已重新推测列映射：{name}缺少列{columns}。",
    ),
    "data.range": ("Dates used", "使用的日期范围"),
    "data.range_help": (
        "Only rows dated in this range are used: a sample's whole window lies inside it, and a "
        "target computed from later rows (drawdown, tail loss) looks no further than its end. "
        "Saved in the config as data.start and data.end; the full span sets no limit.",
        "仅使用日期在此范围内的行：样本的整个窗口都在范围内，由后续行计算的目标（回撤、尾部损失）"
        "也不会越过范围终点。保存在配置的 data.start 和 data.end 中；选择全部时间跨度即不加限制。",
    ),
    "data.range_rows": (
        "{used:,} of {total:,} rows used, {start} → {end}.",
        "共 {total:,} 行，使用 {used:,} 行，{start} → {end}。",
    ),
    "data.derived": ("Derived sequence features", "派生序列特征"),
    "data.derived_help": (
        "Computed per entity from past rows only (row t and before), instead of by hand before "
        "the upload. Saved in the config as data.derived.",
        "按实体仅用过去的行（t 及之前）计算，无需上传前手工计算。保存在配置的 data.derived 中。",
    ),
    "data.derived_log_return": ("log return of {column}", "{column}的对数收益率"),
    "data.derived_pct_change": ("percent change of {column}", "{column}的百分比变化"),
    "data.derived_diff": ("change of {column}", "{column}的一阶差分"),
    "data.derived_rolling_vol": (
        "{window}-row volatility of {column}",
        "{column}的 {window} 行滚动波动率",
    ),
    "data.derived_vol_scaled": (
        "{column} in units of its {window}-row volatility",
        "{column}除以其 {window} 行滚动波动率",
    ),
    "data.price_level_note": (
        "{columns}: a price level, not pre-selected as an input; its log return is used instead "
        "(a level mostly tells the model which stock and which year it is).",
        "{columns}是价格水平，默认不作为输入，改用其对数收益率（价格水平主要告诉模型是哪只股票、哪一年）。",
    ),
    "data.explore": ("Explore the data", "浏览数据"),
    "data.tab_summary": ("Columns", "各列概况"),
    "data.tab_chart": ("Over time", "走势"),
    "data.tab_rate": ("Event rate over time", "事件率走势"),
    "data.summary_file": ("File", "文件"),
    "data.summary_note": (
        "{rows:,} rows of {name}; min, median and max over the values present.",
        "{name}共 {rows:,} 行；最小值、中位数和最大值按非缺失值计算。",
    ),
    "data.col_column": ("Column", "列"),
    "data.col_kind": ("Type", "类型"),
    "data.col_missing": ("Missing", "缺失数"),
    "data.col_missing_share": ("Missing share", "缺失比例"),
    "data.col_distinct": ("Distinct values", "不同值个数"),
    "data.col_min": ("Min", "最小值"),
    "data.col_median": ("Median", "中位数"),
    "data.col_max": ("Max", "最大值"),
    "data.kind_number": ("number", "数值"),
    "data.kind_date": ("date", "日期"),
    "data.kind_text": ("text", "文本"),
    "data.kind_flag": ("true / false", "是 / 否"),
    "data.chart_need_time": (
        "Map a time column above to see the data over time.",
        "请先在上方映射时间列，即可查看数据走势。",
    ),
    "data.chart_no_numbers": (
        "The primary file has no numeric column to plot.",
        "主文件没有可绘制的数值列。",
    ),
    "data.chart_column": ("Column", "列"),
    "data.chart_entities": ("Entities", "实体"),
    "data.chart_entities_help": ("Up to {n} lines at once.", "最多同时显示 {n} 条线。"),
    "data.chart.lines_title": ("{column} over time", "{column}走势"),
    "data.chart.time": ("Date", "日期"),
    "data.chart.all_rows": ("All rows", "全部行"),
    "data.chart.outside_range": ("Outside the date range", "日期范围之外"),
    "data.chart.rate_title": ("Event rate over time", "事件率走势"),
    "data.chart.rate": ("Event rate", "事件率"),
    "data.chart.samples": ("Samples", "样本数"),
    "data.chart.events": ("Events", "事件数"),
    "data.chart.no_data": ("No data to show", "暂无数据"),
    "data.rate_unavailable": (
        "The samples cannot be built yet: the reason is under Samples per split below.",
        "暂时无法构建样本：原因见下方“各数据集样本数”。",
    ),
    "data.rate_classification_only": (
        "The event rate is shown for a 0/1 target (classification).",
        "事件率仅适用于 0/1 目标（分类任务）。",
    ),
    "data.rate_note": (
        "Share of samples whose label is an event, per {period}; the validation and test "
        "periods are shaded, the bars count the samples.",
        "每{period}标签为事件的样本占比；验证期和测试期以底色标出，柱形为样本数。",
    ),
    "data.period_W": ("week", "周"),
    "data.period_M": ("month", "月"),
    "data.period_Q": ("quarter", "季度"),
    "data.title": ("Data", "数据"),
    "data.caption": (
        "Upload a primary time series (prices, transactions or payment histories) and, "
        "optionally, macro indicators and news sentiment. CSV, TSV or Excel; GBK and Wind "
        "exports are fine.",
        "上传主时间序列（价格、交易或还款记录），可选上传宏观指标与新闻情绪。支持 CSV、TSV、"
        "Excel，GBK 编码与 Wind 导出文件均可。",
    ),
    "data.samples": ("Start with sample data", "使用示例数据"),
    "data.sample_market": (
        "Load sample: market risk ({n:,} tickers)",
        "加载示例：市场风险（{n} 只股票）",
    ),
    "data.sample_market_var": (
        "Load sample: market VaR / ES ({n:,} tickers)",
        "加载示例：市场 VaR / ES（{n} 只股票）",
    ),
    "data.sample_credit": (
        "Load sample: credit risk ({n:,} borrowers)",
        "加载示例：信用风险（{n} 名借款人）",
    ),
    "data.sample_loaded": ("Sample data and its config loaded.", "已加载示例数据及配置。"),
    "data.files": ("Your files", "您的文件"),
    "data.upload_primary": ("Primary time series", "主时间序列"),
    "data.upload_primary_help": (
        "One row per (time, entity): a date column, an optional entity column (ticker, "
        "borrower), numeric features and optionally the target.",
        "每行对应一个（时间，实体）：日期列、可选的实体列（股票代码、借款人）、数值特征及可选目标列。",
    ),
    "data.upload_macro": ("Macro indicators (optional)", "宏观指标（可选）"),
    "data.upload_macro_help": (
        "Dated indicators such as policy rate or credit spread; joined as of each date, never "
        "from the future. Several files of different frequencies (a daily VIX, a monthly "
        "credit spread) may be dropped at once: each gets its own publication lag below.",
        "带日期的指标，如政策利率、信用利差；按日期向后关联，绝不使用未来数据。可同时上传多个"
        "不同频率的文件（如日度 VIX、月度信用利差）：下方为每个文件分别设置发布滞后。",
    ),
    "data.upload_sentiment": ("News sentiment (optional)", "新闻情绪（可选）"),
    "data.upload_sentiment_help": (
        "Dated scores, optionally per entity; several articles a day are averaged.",
        "带日期的情绪分数，可按实体提供；同日多篇文章取平均。",
    ),
    "data.reading_options": ("Reading options", "读取选项"),
    "data.date_format": (
        "Date format (only when dates are ambiguous)",
        "日期格式（仅在日期有歧义时填写）",
    ),
    "data.date_format_help": (
        "Leave empty: the format is detected. For a column like 01/02/2024 that could be "
        "either order, enter %d/%m/%Y (day first) or %m/%d/%Y (month first), then upload again.",
        "留空则自动识别。对于 01/02/2024 这类顺序不明的日期，请填写 %d/%m/%Y（日在前）或 %m/%d/%Y（月在前），然后重新上传。",
    ),
    "data.loaded": ("{name}: {rows:,} rows, {cols} columns", "{name}：{rows:,} 行，{cols} 列"),
    "data.read_as": (
        "Read as encoding {encoding}, delimiter {delimiter}",
        "读取方式：编码 {encoding}，分隔符 {delimiter}",
    ),
    "data.preview": ("Preview", "预览"),
    "data.need_primary": (
        "Upload a primary file or load a sample to map columns.",
        "请上传主文件或加载示例数据以映射列。",
    ),
    "data.mapping": ("Column roles", "列角色"),
    "data.time": ("Time column", "时间列"),
    "data.time_help": (
        "Dates of the observations. Leave empty for a cross-sectional table (one row per "
        "borrower, no history).",
        "观测日期。横截面数据（每个借款人一行、无历史）请留空。",
    ),
    "data.entity": ("Entity column", "实体列"),
    "data.entity_help": (
        "Ticker, borrower or account. Windows never mix two entities.",
        "股票代码、借款人或账户。窗口绝不会跨越两个实体。",
    ),
    "data.sequence": ("Sequence features", "序列特征"),
    "data.sequence_help": (
        "Time-varying features read by the LSTM over the last `window` rows.",
        "随时间变化的特征，LSTM 读取最近 window 行。",
    ),
    "data.static": ("Static features", "静态特征"),
    "data.static_help": (
        "Attributes of the entity (age, region, product). Text is one-hot encoded; rare "
        "levels are pooled.",
        "实体属性（年龄、地区、产品）。文本做独热编码，稀有类别合并。",
    ),
    "data.macro": ("Macro features", "宏观特征"),
    "data.macro_help": ("Indicators from the macro file.", "宏观文件中的指标。"),
    "data.macro_time": ("Date column of the macro file", "宏观文件的日期列"),
    "data.sentiment": ("Sentiment features", "情绪特征"),
    "data.sentiment_help": (
        "Scores averaged over the last days before each date; days without news are marked.",
        "对每个日期之前若干天的分数取平均；无新闻的日子会被标记。",
    ),
    "data.sentiment_time": ("Date column of the sentiment file", "情绪文件的日期列"),
    "data.target": ("Target: what is the risk event?", "目标：风险事件是什么？"),
    "data.target_kind": ("Target kind", "目标类型"),
    "data.target_kind_help": (
        "An existing 0/1 column, or an event derived from future prices or returns (drawdown, "
        "tail loss) or forward volatility (regression).",
        "现有的 0/1 列，或由未来价格或收益推导的事件（回撤、尾部损失），或远期波动率（回归）。",
    ),
    "target.column": ("Existing column", "现有列"),
    "target.drawdown": ("Drawdown within horizon", "期内最大回撤"),
    "target.tail_loss": ("Tail loss (VaR breach)", "尾部损失（VaR 突破）"),
    "target.forward_volatility": ("Forward volatility (regression)", "远期波动率（回归）"),
    "data.target_column_column": ("Target column", "目标列"),
    "data.target_column_drawdown": ("Price column", "价格列"),
    "data.target_column_tail_loss": ("Return column", "收益率列"),
    "data.target_column_forward_volatility": ("Return column", "收益率列"),
    "data.threshold": ("Drawdown threshold", "回撤阈值"),
    "data.threshold_help": (
        "Event = the price falls this much from its running peak within the horizon.",
        "事件 = 在预测期内价格从峰值下跌达到该幅度。",
    ),
    "data.quantile": ("Tail quantile", "尾部分位数"),
    "data.quantile_help": (
        "Event = the forward return falls below this quantile of training returns.",
        "事件 = 远期收益低于训练期收益的该分位数。",
    ),
    "data.positive": ("Label of the risk event", "风险事件的标签"),
    "data.preview_split": ("Samples per split", "各数据集样本数"),
    "data.computing": ("Building samples…", "正在构建样本…"),
    "data.split": ("Split", "数据集"),
    "data.samples_n": ("Samples", "样本数"),
    "data.pick_target": (
        "Pick the target column above to see the samples and event rate per split.",
        "请先在上方选择目标列，即可查看各数据集的样本数和事件率。",
    ),
    "data.event_rate": ("Event rate", "事件率"),
    "data.from": ("From", "起"),
    "data.to": ("To", "止"),
    "data.embargo_note": (
        "{rows:,} rows, {entities:,} entities. One calendar cut for all entities; samples whose "
        "label would reach into the next split are dropped (embargo).",
        "{rows:,} 行，{entities:,} 个实体。所有实体使用同一日历切分；标签会跨入下一数据集的样本被剔除（隔离期）。",
    ),
    "data.random_split_note": (
        "{rows:,} rows, {entities:,} entities. No time column: one random split (stratified by "
        "class for a 0/1 target), so there is no embargo and no date range per split.",
        "{rows:,} 行，{entities:,} 个实体。无时间列：一次随机切分（0/1 目标按类别分层），"
        "因此没有隔离期，也没有各数据集的日期范围。",
    ),
    "data.config_file": ("Config file", "配置文件"),
    "data.download_config": ("Download config (JSON)", "下载配置（JSON）"),
    "data.upload_config": ("Restore a config (JSON)", "恢复配置（JSON）"),
    "data.config_restored": (
        "Config restored from {name}: its mapping and training settings are loaded.",
        "已从 {name} 恢复配置：其列映射和训练设置已载入。",
    ),
    "data.config_invalid": ("The config is not complete yet:", "配置尚不完整："),
    "data.config_need_target": (
        "Pick the target column above; the config can then be downloaded.",
        "请先在上方选择目标列，之后即可下载配置。",
    ),
    # ---- reading notes (riskcore.io.Note), shown under an uploaded file ----------------------
    "io.excel_named": (
        "this is an Excel workbook named '{ext}'; read it as .xlsx",
        "这是扩展名为“{ext}”的 Excel 工作簿；已按 .xlsx 读取",
    ),
    "io.lines_skipped": (
        "skipped {n:,} malformed line(s) with more fields than the header ({columns} columns), "
        "first at line {line}; check the delimiter or quoting there",
        "跳过了 {n:,} 行字段数多于表头（{columns} 列）的格式错误行，首个在第 {line} 行；请检查该处的分隔符或引号",
    ),
    "io.bytes_replaced": (
        "{n:,} byte sequence(s) are not valid {encoding} (first at byte {at:,}) and were "
        "replaced by '\ufffd'; re-export the file as UTF-8 if text looks wrong",
        "有 {n:,} 处字节不是有效的 {encoding} 编码（首个在第 {at:,} 字节），已替换为“\ufffd”；如文字显示异常，请将文件另存为 UTF-8",
    ),
    "io.duplicate_names": (
        "duplicate column names made unique: {shown}",
        "重复的列名已改为唯一：{shown}",
    ),
    "io.duplicate_names_more": (
        "duplicate column names made unique: {shown} and {more:,} more",
        "重复的列名已改为唯一：{shown}，另有 {more:,} 个",
    ),
    "io.sheets": (
        "the workbook has {n} sheets; read the first, '{first}'",
        "工作簿共有 {n} 个工作表；已读取第一个：“{first}”",
    ),
    "io.footer_dropped": (
        "dropped {n} note line(s) at the end of the file, e.g. '{example}'",
        "已去掉文件末尾的 {n} 行说明文字，例如“{example}”",
    ),
    "io.unnamed": (
        "column(s) without a header were named {names}",
        "没有表头的列已命名为 {names}",
    ),
    "io.unconverted": (
        "column '{name}' kept as read: it could not be converted ({error})",
        "列“{name}”无法转换，保持原样（{error}）",
    ),
    "io.day_month_mixed": (
        "column '{name}' mixes day-first and month-first dates (e.g. 13{sep}01 and 01{sep}13), "
        "so it stays text; enter its date format under Reading options to read it as dates",
        "列“{name}”混用了日在前与月在前的日期（如 13{sep}01 与 01{sep}13），因此保留为文本；请在“读取选项”中填写日期格式后按日期读取",
    ),
    "io.not_dates": (
        "column '{name}': {n:,} value(s) that are not dates were set to missing, first "
        "{first!r} (data row {row:,})",
        "列“{name}”：{n:,} 个不是日期的值已设为缺失，首个为 {first!r}（第 {row:,} 行数据）",
    ),
    "io.not_numbers": (
        "column '{name}': {n:,} value(s) that are not numbers were set to missing, first "
        "{first!r} (data row {row:,})",
        "列“{name}”：{n:,} 个不是数值的值已设为缺失，首个为 {first!r}（第 {row:,} 行数据）",
    ),
    "io.future_dates": (
        "column '{name}' has dates after today (latest {latest}); check for typos such as 2204 "
        "for 2024, or forecasts mixed with history",
        "列“{name}”含有晚于今天的日期（最晚 {latest}）；请检查是否有把 2024 写成 2204 之类的笔误，或历史数据中混入了预测值",
    ),
    "data.remove": ("Remove", "移除"),
    "data.remove_help": (
        "Take this file out of the session; a run trained afterwards does not use it.",
        "从本会话中移除该文件；之后训练的运行不会使用它。",
    ),
    "data.removed": ("Removed {name}.", "已移除 {name}。"),
    "data.cleared_other": (
        "Removed the sample's {names}: not part of {name}.",
        "已移除示例数据的 {names}：不属于 {name}。",
    ),
    "data.positive_help": (
        "Rows with this label count as the risk event (1), every other label as no event (0). "
        "It starts at the rarest label, which is usually the risk.",
        "带此标签的行记为风险事件（1），其余标签记为非事件（0）。默认取最少见的标签，通常即风险。",
    ),
    "data.event_label": (
        "The risk event is {column} = '{label}' ({share} of rows); any other label is none.",
        "风险事件为 {column} = '{label}'（占 {share} 行）；其余标签均为非事件。",
    ),
    "data.rate_shift": (
        "The event rate moves from {train} in training to {test} in test: Brier score, PR-AUC "
        "and calibration on test will reflect that shift, not only the model. Consider another "
        "split or a longer history.",
        "事件发生率从训练集的 {train} 变为测试集的 {test}：测试集上的 Brier 分数、PR-AUC 与校准"
        "将反映这一变化，而不仅是模型本身。可考虑调整划分或使用更长的历史。",
    ),
    "split.train": ("Train", "训练集"),
    "split.validation": ("Validation", "验证集"),
    "split.test": ("Test", "测试集"),
    # train page
    "train.name": ("Run name (optional)", "运行名称（可选）"),
    "train.name_help": (
        "Shown in the run picker, Compare, the report and `runs`; you can rename the run later "
        "in the sidebar.",
        "显示在运行选择器、对比、报告和 `runs` 中；之后可在侧边栏重命名。",
    ),
    "train.name_placeholder": ("e.g. LSTM 64, 30-day window", "例如：LSTM 64，30 天窗口"),
    "train.done_stopped": (
        "Stopped early at epoch {epoch} of {epochs}: the run keeps epoch {best}, the best on "
        "validation so far, and is marked as stopped early.",
        "已在第 {epoch}/{epochs} 轮提前停止：运行保留验证集上迄今最佳的第 {best} 轮，并标记为提前停止。",
    ),
    "job.stop_keep": ("Stop and keep the best epoch", "停止并保留最佳轮次"),
    "job.stop_keep_help": (
        "Ends training after the current batch. The run is finished with the weights of the "
        "epoch with the lowest validation loss so far (baselines, calibration, intervals) and "
        "saved, marked as stopped early.",
        "在当前批次后结束训练。运行以迄今验证损失最低一轮的权重完成其余步骤（基准模型、校准、区间）"
        "并保存，标记为提前停止。",
    ),
    "job.stop_discard": ("Stop and discard", "停止并丢弃"),
    "job.stop_discard_help": (
        "Ends the job now; nothing is saved.",
        "立即结束任务；不保存任何内容。",
    ),
    "job.stopping": (
        "Stopping: the run is being finished with the best epoch so far and saved.",
        "正在停止：正以迄今最佳轮次完成并保存运行。",
    ),
    "job.starting": (
        "Starting a worker process: it loads TensorFlow and warms up once (about 10 s on an "
        "idle server, longer on a busy one); then training begins…",
        "正在启动工作进程：首次加载 TensorFlow 并预热（空闲服务器约 10 秒，繁忙时更久），随后开始训练……",
    ),
    "job.step": ("Step {step} of {steps}: {stage}", "第 {step}/{steps} 步：{stage}"),
    "job.job_left": ("about {eta} left for the whole job", "整个任务约剩 {eta}"),
    "job.eta_after_epoch": (
        "time left: known after the first epoch",
        "剩余时间：第一轮结束后可知",
    ),
    "job.stage_seconds": (
        "{elapsed} s (usually about {expected} s)",
        "{elapsed} 秒（通常约 {expected} 秒）",
    ),
    "job.batch_progress": (
        "Epoch {epoch} of {epochs} · batch {batch} of {batches}",
        "第 {epoch}/{epochs} 轮 · 第 {batch}/{batches} 批",
    ),
    "stage.device": ("starting TensorFlow, choosing the device", "启动 TensorFlow 并选择设备"),
    "stage.building": (
        "building the model and tracing its graph (once per run)",
        "构建模型并追踪计算图（每次运行一次）",
    ),
    "stage.predicting": ("scoring every split with the network", "用神经网络为各数据集打分"),
    "stage.benchmark": ("fitting the one-number benchmark", "拟合单指标基准"),
    "stage.calibration": ("calibrating the scores on validation", "在验证集上校准分数"),
    "sidebar.rename": ("Rename", "重命名"),
    "sidebar.rename_label": ("Name of this run", "此运行的名称"),
    "sidebar.rename_help": (
        "Shown in the run picker, Compare, the report and `runs`. Leave it empty to remove it.",
        "显示在运行选择器、对比、报告和 `runs` 中。留空即删除名称。",
    ),
    "sidebar.rename_save": ("Save the name", "保存名称"),
    "sidebar.renamed": ("Run renamed: {name}", "运行已重命名：{name}"),
    "sidebar.unnamed": ("Name removed from run {run_id}.", "已删除运行{run_id}的名称。"),
    "sidebar.stopped_early": ("stopped early", "提前停止"),
    "train.title": ("Train", "训练"),
    "train.caption": (
        "Set the model and start training. Training runs in a background worker: you can "
        "keep using the app, or stop it.",
        "设置模型并开始训练。训练在后台进程中运行：您可以继续使用应用，也可以随时停止。",
    ),
    "train.need_data": (
        "Load data and map columns on the Data page first.",
        "请先在数据页加载数据并映射列。",
    ),
    "train.architecture": ("Architecture", "网络结构"),
    "train.regularisation": ("Regularisation and augmentation", "正则化与数据增强"),
    "train.optimisation": ("Optimisation", "优化"),
    "train.window": ("Window (rows of history)", "窗口（历史行数）"),
    "train.window_help": (
        "How many past rows the model reads. Longer windows see slow build-ups of risk but "
        "leave fewer samples.",
        "模型读取的历史行数。窗口越长越能捕捉缓慢积累的风险，但样本更少。",
    ),
    "train.horizon": ("Horizon (rows ahead)", "预测期（未来行数）"),
    "train.horizon_help": (
        "How far ahead the event is predicted; also the embargo between splits.",
        "预测事件的时间跨度；也是数据集之间的隔离期。",
    ),
    "train.cell": ("Sequence tower", "序列结构"),
    "train.cell_help": (
        "LSTM is the reference; GRU is lighter and often as good; TCN is a causal dilated "
        "convolution (dilation 1, 2, 4, ... per layer), fastest on a CPU.",
        "LSTM 为参考结构；GRU 更轻量，效果常相近；TCN 为因果空洞卷积（每层扩张 1、2、4……），"
        "在 CPU 上最快。",
    ),
    "train.wide": ("Wide and deep", "宽深结构"),
    "train.wide_help": (
        "The window statistics the baselines use (last, mean, variance, min, max, mean "
        "absolute value of each sequence feature) and the other inputs also enter the output "
        "layer directly: the network contains a logistic regression on them.",
        "基准模型所用的窗口统计量（每个序列特征的最后值、均值、方差、最小值、最大值、平均绝对值）"
        "及其他输入也直接进入输出层：网络中包含一个基于它们的逻辑回归。",
    ),
    "train.layers": ("Layers", "层数"),
    "train.layers_help": (
        "More layers fit more complex patterns and overfit sooner.",
        "层数越多越能拟合复杂模式，也更易过拟合。",
    ),
    "train.units": ("Units, layer {n}", "第 {n} 层单元数"),
    "train.units_help": ("Width of the layer: capacity of the model.", "该层宽度：模型容量。"),
    "train.dense_units": ("Dense units after the sequence", "序列后全连接单元"),
    "train.tower_units": ("Tower units (macro, sentiment, static)", "支路单元（宏观、情绪、静态）"),
    "train.tower_units_help": (
        "Width of the dense tower of each other input.",
        "其他输入各自全连接支路的宽度。",
    ),
    "train.attention": ("Attention pooling", "注意力池化"),
    "train.attention_help": (
        "Weights the time steps instead of using the last state; the weights are shown on "
        "the Explain page (they are not attributions).",
        "对时间步加权而非仅用最后状态；权重会在解释页展示（注意力不等于归因）。",
    ),
    "train.dropout": ("Dropout", "Dropout 比例"),
    "train.dropout_help": (
        "Share of units dropped while training; fights overfitting on small, noisy data.",
        "训练时随机丢弃的单元比例；抑制小样本噪声数据上的过拟合。",
    ),
    "train.l1": ("L1 penalty", "L1 正则"),
    "train.l1_help": (
        "Pushes weights to zero: sparser, simpler models.",
        "将权重推向零：更稀疏、更简单的模型。",
    ),
    "train.l2": ("L2 penalty", "L2 正则"),
    "train.l2_help": ("Keeps weights small: smoother scores.", "使权重保持较小：分数更平滑。"),
    "train.batch_norm": ("Batch normalisation", "批归一化"),
    "train.batch_norm_help": (
        "Normalises dense layers; can speed up training.",
        "对全连接层做归一化；可加快训练。",
    ),
    "train.noise": ("Gaussian noise on windows (std)", "窗口高斯噪声（标准差）"),
    "train.noise_help": (
        "Augments training windows with noise; only while training.",
        "训练时给窗口加噪声做增强；预测时不加。",
    ),
    "train.learning_rate": ("Learning rate", "学习率"),
    "train.learning_rate_help": (
        "Step size of Adam. Too high diverges, too low crawls.",
        "Adam 的步长。过大发散，过小收敛慢。",
    ),
    "train.batch_size": ("Batch size", "批大小"),
    "train.batch_size_help": (
        "Samples per step. Larger is faster per epoch, noisier gradients when smaller.",
        "每步样本数。越大每轮越快；越小梯度噪声越大。",
    ),
    "train.epochs": ("Epochs (maximum)", "最大轮数"),
    "train.epochs_help": (
        "Early stopping usually ends training sooner.",
        "早停通常会提前结束训练。",
    ),
    "train.lr_schedule": ("Learning-rate schedule", "学习率调度"),
    "train.lr_schedule_help": (
        "Constant; on plateau: halve it when the validation loss stalls; cosine: decay it "
        "to zero over the epochs. Early stopping on validation loss stays.",
        "恒定；平台期减半：验证损失停滞时减半；余弦：在各轮中衰减到零。验证损失早停仍然生效。",
    ),
    "train.lr_schedule_constant": ("Constant", "恒定"),
    "train.lr_schedule_plateau": ("Halve on plateau", "平台期减半"),
    "train.lr_schedule_cosine": ("Cosine decay", "余弦衰减"),
    "train.ensemble": ("Networks in the ensemble", "集成网络数"),
    "train.ensemble_help": (
        "Trains this many networks from seeds seed, seed + 1, ... and scores their mean; "
        "their spread is each prediction's model uncertainty. Training takes that many "
        "times longer.",
        "以种子 seed、seed+1…… 训练多个网络并取平均分数；它们的离散度即每条预测的模型不确定性。"
        "训练时间相应成倍增加。",
    ),
    "train.patience": ("Early-stopping patience", "早停耐心"),
    "train.patience_help": (
        "Epochs without validation improvement before stopping; the best weights are restored. 0 = off.",
        "验证集无改进多少轮后停止，并恢复最佳权重。0 = 关闭。",
    ),
    "train.loss": ("Loss", "损失函数"),
    "train.loss_help": (
        "Auto: cross-entropy for events, MSE for numbers. Focal loss focuses on rare, hard events.",
        "自动：事件用交叉熵，数值用 MSE。Focal 损失聚焦稀有难例。",
    ),
    "loss.auto": ("Auto", "自动"),
    "loss.binary_crossentropy": ("Binary cross-entropy", "二元交叉熵"),
    "loss.focal": ("Focal", "Focal 损失"),
    "loss.mse": ("Mean squared error", "均方误差"),
    "loss.huber": ("Huber", "Huber 损失"),
    "train.class_weight": ("Class weights", "类别权重"),
    "train.class_weight_help": (
        "Balanced: rare events weigh as much as the rest in the loss. Scores are then not calibrated probabilities.",
        "平衡：稀有事件在损失中与其余样本同等重要；此时分数不是校准概率。",
    ),
    "cw.balanced": ("Balanced", "平衡"),
    "cw.none": ("None", "无"),
    "train.oversample": ("Oversample events", "事件过采样"),
    "train.oversample_help": (
        "Repeats event windows in training instead of weighting them.",
        "在训练中重复事件窗口，而非加权。",
    ),
    "train.seed": ("Seed", "随机种子"),
    "train.seed_help": (
        "Same data, config and seed give the same result on the CPU.",
        "相同数据、配置与种子在 CPU 上结果一致。",
    ),
    "train.parameters": ("Parameters", "参数量"),
    "train.device": ("Device", "设备"),
    "train.start": ("Train", "开始训练"),
    "job.stop": ("Stop", "停止"),
    "job.queued": (
        "Waiting for a worker: place {position} in the queue.",
        "等待空闲进程：队列第 {position} 位。",
    ),
    "job.epoch_progress": (
        "Epoch {epoch} of {epochs} · about {eta} left for the whole job (at most)",
        "第 {epoch}/{epochs} 轮 · 整个任务最多约剩 {eta}",
    ),
    "job.member_progress": (
        "Network {member} of {members} · epoch {epoch} of {epochs} · about {eta} left for "
        "the whole job (at most)",
        "第 {member}/{members} 个网络 · 第 {epoch}/{epochs} 轮 · 整个任务最多约剩 {eta}",
    ),
    "job.stage": ("Now: {stage}", "当前：{stage}"),
    "stage.preparing": ("preparing samples", "准备样本"),
    "stage.training": ("training the network", "训练神经网络"),
    "stage.baselines": ("training the baselines", "训练基准模型"),
    "stage.evaluating": (
        "evaluating on test: 95% bootstrap intervals",
        "在测试集上评估：95% 自助法区间",
    ),
    "stage.walk-forward": ("walk-forward folds", "滚动窗口验证"),
    "stage.saving": ("saving the run", "保存运行"),
    "train.done": ("Run {run_id} saved.", "运行“{run_id}”已保存。"),
    "train.see_results": ("See the results", "查看结果"),
    "job.cancelled": ("Stopped. Nothing was saved.", "已停止，未保存任何内容。"),
    "job.failed": ("The job failed:", "任务失败："),
    "job.retry": ("Retry", "重试"),
    "job.died": (
        "The job died: its worker process ended unexpectedly (killed, or out of memory). "
        "Nothing was saved; Retry runs it again on a fresh worker.",
        "任务中断：运行它的工作进程意外退出（被终止或内存不足）。未保存任何内容；点击“重试”将在新的工作进程中重新运行。",
    ),
    "job.ahead": ("{n} jobs ahead of yours.", "前面还有 {n} 个任务。"),
    "job.ahead_one": ("1 job ahead of yours.", "前面还有 1 个任务。"),
    "job.lost": (
        "Lost in a server restart: {kind} submitted at {time}; submit it again.",
        "服务器重启时丢失：{time} 提交的{kind}任务；请重新提交。",
    ),
    "job.lost_files": (
        "Its uploads are gone too: upload {files} again first.",
        "所用的上传文件也已丢失：请先重新上传 {files}。",
    ),
    "job.kind_training": ("training", "训练"),
    "job.kind_tuning": ("tuning search", "超参数搜索"),
    "job.kind_explanation": ("explanation", "解释"),
    "job.kind_scenario": ("scenario", "情景分析"),
    "job.kind_attribution": ("scenario attribution", "情景归因"),
    "train.duration": ("Expected duration", "预计耗时"),
    "train.duration_help": (
        "Estimated on this server before training, with every epoch run (early stopping can "
        "only make it shorter).",
        "训练前按本服务器估算，假设所有轮次都运行（早停只会更短）。",
    ),
    "train.over_cap": (
        "This training would take about {duration}, over the server's limit of {cap} per job. "
        "Shrink epochs, window or units, or raise the batch size.",
        "本次训练预计约需 {duration}，超过服务器每个任务 {cap} 的上限。请减少轮数、窗口或单元数，或增大批大小。",
    ),
    "tune.duration": (
        "Expected: about {duration} at most ({trials} trials × up to {per_trial} each).",
        "预计最多约 {duration}（{trials} 次试验 × 每次最多 {per_trial}）。",
    ),
    "tune.over_cap": (
        "This search would take about {duration}, over the server's limit of {cap} per job. "
        "Run fewer trials, set a shorter timeout, or narrow the ranges of epochs, window and "
        "units.",
        "本次搜索预计约需 {duration}，超过服务器每个任务 {cap} 的上限。请减少试验次数、缩短时限，或收窄轮数、窗口和单元数的范围。",
    ),
    # results page
    "results.col.decile": ("Group (1 = riskiest)", "分组（1 为风险最高）"),
    "results.col.count": ("Predictions", "预测数"),
    "results.col.events": ("Events", "事件数"),
    "results.col.event_rate": ("Event rate", "事件率"),
    "results.col.cum_events_share": ("Events captured, cumulative", "累计捕获事件占比"),
    "results.col.lift": ("Lift", "提升度"),
    "results.col.cum_lift": ("Lift, cumulative", "累计提升度"),
    "results.col.min_score": ("Lowest score", "最低分数"),
    "results.col.max_score": ("Highest score", "最高分数"),
    "results.col.entity": ("Entity", "实体"),
    "results.col.time": ("Date", "日期"),
    "results.col.score": ("Risk score", "风险分数"),
    "results.col.y_true": ("Event observed", "是否发生事件"),
    "results.event_yes": ("Yes", "是"),
    "results.event_no": ("No", "否"),
    "results.event_unknown": ("Not known yet", "尚未可知"),
    "results.col.role": ("Role", "用途"),
    "results.col.file": ("File", "文件"),
    "results.col.rows": ("Rows", "行数"),
    "results.col.size": ("Size", "大小"),
    "results.col.model": ("Model", "模型"),
    "results.col.run": ("Run", "运行"),
    "results.col.created": ("Created", "创建时间"),
    "results.col.data": ("Data", "数据"),
    "results.col.task": ("Task", "任务"),
    "results.col.headline": ("Headline test metric", "主要测试指标"),
    "results.role.primary": ("Primary data", "主数据"),
    "results.role.macro": ("Macro data", "宏观数据"),
    "results.role.sentiment": ("Sentiment data", "情绪数据"),
    "results.task.classification": ("Classification", "分类"),
    "results.task.regression": ("Regression", "回归"),
    "results.task.quantile": ("VaR / ES (quantiles)", "VaR / ES（分位数）"),
    "results.timing.prepare": ("Preparing the data", "数据准备"),
    "results.timing.fit": ("Training", "训练"),
    "results.timing.total": ("Whole job", "整个任务"),
    "results.timing_seconds": ("{stage} (s)", "{stage}（秒）"),
    "results.epochs_run": ("Epochs run", "已运行轮次"),
    "results.stopped_early": ("Stopped by the user", "由用户提前停止"),
    "results.stopped_at": (
        "at epoch {epoch} of {epochs}; kept the best, epoch {best}",
        "在第 {epoch} 轮（共 {epochs} 轮）；保留最佳的第 {best} 轮",
    ),
    "results.col.item": ("Item", "项目"),
    "results.parameters": ("Network parameters", "网络参数量"),
    "results.device": ("Device", "设备"),
    "results.title": ("Results", "结果"),
    "results.no_run": ("No run selected: train one first.", "未选择运行：请先训练。"),
    "results.caption": (
        "Run {run_id} · {created} · {device}",
        "运行 {run_id} · {created} · {device}",
    ),
    "results.test_metrics": (
        "Test metrics with 95% bootstrap intervals",
        "测试集指标（95% 自助法区间）",
    ),
    "results.cards_caption": (
        "{metric} on the test split, per model; the table below gives every metric.",
        "卡片为各模型在测试集上的 {metric}；下表列出全部指标。",
    ),
    "results.ci": ("95% interval {lo} – {hi}", "95% 区间 {lo} – {hi}"),
    "results.warnings": ("Check before you trust these numbers", "采信这些数字之前请核查"),
    "results.vs": ("{diff} vs {base}", "较{base} {diff}"),
    "results.ece": ("Expected calibration error", "期望校准误差"),
    "results.calibration_note": (
        "Scores are calibrated on the validation split ({method}); ranking metrics use the raw "
        "scores and are unchanged by it. Brier score and log loss are after calibration.",
        "分数在验证集上校准（{method}）；排序类指标使用原始分数，不受校准影响。Brier 分数与对数损失为校准后数值。",
    ),
    "results.interval_note": (
        "95% intervals: {method}.",
        "95% 区间：{method}。",
    ),
    "results.interval_block": (
        "block bootstrap over dates ({block} consecutive dates per block, all entities of a date "
        "together, {n} resamples), because labels of neighbouring dates overlap over the horizon",
        "按日期的区块自助法（每块 {block} 个连续日期，同一日期的所有实体一起抽样，{n} 次重抽样），"
        "因为相邻日期的标签在预测期内重叠",
    ),
    "results.interval_row": (
        "row bootstrap ({n} resamples)",
        "按行自助法（{n} 次重抽样）",
    ),
    "model.model": ("Deep model", "深度模型"),
    "model.logistic": ("Logistic regression", "逻辑回归"),
    "model.gbm": ("Gradient boosting", "梯度提升"),
    "results.tab_curves": ("Curves", "曲线"),
    "results.tab_threshold": ("Threshold and cost", "阈值与成本"),
    "results.tab_timeline": ("Risk timeline", "风险时间线"),
    "results.tab_run": ("Run details", "运行详情"),
    "results.lift_table": ("Lift / gains table", "提升 / 增益表"),
    "results.threshold": ("Alert threshold", "预警阈值"),
    "results.threshold_help": ("Scores at or above it raise an alert.", "分数不低于该值即预警。"),
    "results.cost_missed": ("Cost of a missed event", "漏报成本"),
    "results.cost_missed_help": (
        "e.g. the loss given default of an average exposure.",
        "例如平均敞口的违约损失。",
    ),
    "results.cost_alarm": ("Cost of a false alarm", "误报成本"),
    "results.cost_alarm_help": (
        "e.g. the cost of reviewing an account.",
        "例如复核一个账户的成本。",
    ),
    "results.cost_optimal": ("Cost-optimal threshold", "成本最优阈值"),
    "results.cost_optimal_help": (
        "Sets the threshold with the lowest expected cost for the two costs entered, searched on "
        "the validation split (not test, so the choice does not peek at the rows that judge it).",
        "按所填两项成本，将阈值设为期望成本最低者；在验证集上搜索（而非测试集，以免选择时偷看评估数据）。",
    ),
    "results.cost_optimal_done": (
        "{threshold}: the lowest expected cost on validation for these costs.",
        "{threshold}：按这两项成本，验证集上期望成本最低。",
    ),
    "scen.threshold_help": (
        "The run's decision threshold, shared with the Results and Report pages.",
        "本运行的决策阈值，与结果页和报告页共用。",
    ),
    "results.precision": ("Precision", "精确率"),
    "results.recall": ("Recall", "召回率"),
    "results.flagged": ("Flagged", "预警比例"),
    "results.expected_cost": ("Expected cost per prediction", "每次预测的期望成本"),
    "results.no_timeline": ("Cross-sectional run: no timeline.", "横截面运行：无时间线。"),
    "results.entity": ("Entity", "实体"),
    "results.entity_help": (
        "The riskiest at the latest date come first.",
        "最新日期风险最高的排在前面。",
    ),
    "results.riskiest": ("Riskiest entities at the latest date", "最新日期风险最高的实体"),
    "results.config": ("Configuration", "配置"),
    "results.data_files": ("Input files", "输入文件"),
    "results.timings": ("Timings and device", "耗时与设备"),
    "results.walk_forward": ("Walk-forward folds (mean and sd)", "滚动验证（均值与标准差）"),
    "results.history": ("All runs", "全部运行"),
    # explain page
    "explain.model": ("Model", "模型"),
    "explain.model_help": (
        "Every model of the run explained on the same rows and on one scale (log-odds for a "
        "classifier), so the lengths of their bars compare.",
        "在相同预测上、以同一尺度（分类任务为对数几率）解释本次运行的每个模型，因此条形长度可以直接比较。",
    ),
    "explain.models_older": (
        "This explanation was stored before the comparators were explained too: explain again to "
        "see gradient boosting and the logistic regression on the same scale.",
        "该解释保存于对照模型解释功能之前：重新解释即可在同一尺度上查看梯度提升与逻辑回归。",
    ),
    "explain.method": ("{method}; values in {unit}.", "{method}；数值单位：{unit}。"),
    "explain.method_model": (
        "Deep model: SHAP by expected gradients (shap.GradientExplainer)",
        "深度模型：期望梯度 SHAP（shap.GradientExplainer）",
    ),
    "explain.method_gbm": (
        "Gradient boosting: exact SHAP by shap.TreeExplainer, refitted with the run's seed",
        "梯度提升：shap.TreeExplainer 精确 SHAP，按本次运行的随机种子重新拟合",
    ),
    "explain.method_logistic": (
        "Logistic regression: coefficient × standardised value, exact, refitted with the run's seed",
        "逻辑回归：系数 × 标准化取值（精确），按本次运行的随机种子重新拟合",
    ),
    "explain.unit_log_odds": ("log-odds", "对数几率"),
    "explain.unit_probability": ("probability points of the raw score", "原始分数的概率点"),
    "explain.unit_return": ("return units of the VaR", "VaR 的收益率单位"),
    "explain.unit_score": ("units of the target", "目标变量的单位"),
    "explain.importance_of": (
        "What drives {model} (mean |contribution|)",
        "驱动{model}的因素（平均 |贡献|）",
    ),
    "explain.by_model": ("Mean |contribution| by model", "各模型的平均 |贡献|"),
    "explain.by_model_note": (
        "All in {unit}, on the same predictions: the models' values compare directly.",
        "均以{unit}为单位、基于相同的预测：各模型的数值可直接比较。",
    ),
    "explain.col_log_odds": ("Log-odds", "对数几率"),
    "explain.col_base_log_odds": ("Average log-odds", "平均对数几率"),
    "explain.col_probability": ("Raw probability", "原始概率"),
    "explain.row_number": ("Prediction #{n}", "第{n}个预测"),
    "explain.log_odds_note": (
        "Explained: log-odds {score:+.3f} of the raw score {p:.3f} (before calibration); the bars "
        "add up in log-odds.",
        "被解释的是原始分数 {p:.3f}（校准之前）的对数几率 {score:+.3f}；各条形按对数几率相加。",
    ),
    "explain.logit_sentence": (
        "Risk {probability:.2f} (log-odds {score:+.2f}) against an average of {base:+.2f} log-odds, "
        "mainly from {drivers}.",
        "风险 {probability:.2f}（对数几率 {score:+.2f}，平均 {base:+.2f}），主要来自 {drivers}。",
    ),
    "nav.explain": ("Explain", "解释"),
    "explain.title": ("Explain", "解释"),
    "explain.caption": (
        "How much each feature, input and day moved each score away from the average: the deep "
        "model by SHAP (expected gradients), gradient boosting by TreeExplainer, the logistic "
        "regression by its coefficients; a classifier's on one scale, log-odds.",
        "每个特征、输入与时间步使各预测偏离平均水平的程度：深度模型用 SHAP（期望梯度），梯度提升用 TreeExplainer，"
        "逻辑回归用其系数；分类任务统一以对数几率为尺度。",
    ),
    "explain.choose": ("Choose what to explain", "选择要解释的预测"),
    "explain.how": ("Predictions", "预测范围"),
    "explain.how_latest": ("Latest date, every entity", "最新日期的所有实体"),
    "explain.how_riskiest": ("The riskiest on test", "测试集中风险最高的"),
    "explain.how_random": ("A random sample of test", "测试集随机样本"),
    "explain.how_entity": ("One entity", "单个实体"),
    "explain.n": ("Number of predictions", "预测数量"),
    "explain.n_help": (
        "About 300 predictions take well under a minute on a laptop.",
        "约 300 个预测在笔记本电脑上不到一分钟。",
    ),
    "explain.background": ("Background sample", "背景样本量"),
    "explain.background_help": (
        "Training windows the attributions are measured against; more is steadier and slower.",
        "作为归因参照的训练窗口数；越多越稳定但越慢。",
    ),
    "explain.count": ("{n} predictions will be explained.", "将解释 {n} 个预测。"),
    "explain.start": ("Explain", "开始解释"),
    "explain.none_yet": (
        "No explanation stored for this run yet: choose predictions and click Explain.",
        "该运行尚无解释结果：请选择预测并点击“开始解释”。",
    ),
    "explain.gap": (
        "{rows} predictions explained. Additivity gap (mean |average + sum of SHAP − score|): {gap:.4f}.",
        "已解释 {rows} 个预测。可加性偏差（平均 |平均分数 + SHAP 之和 − 分数|）：{gap:.4f}。",
    ),
    "explain.tab_global": ("Global", "全局"),
    "explain.tab_prediction": ("One prediction", "单个预测"),
    "explain.tab_lags": ("Days in the window", "窗口时间步"),
    "explain.tab_dependence": ("Dependence", "依赖关系"),
    "explain.attention_note": (
        "Attention weights show where the network looked, not what drove the score: they are not attributions.",
        "注意力权重显示网络关注的位置，而非驱动分数的因素：注意力不等于归因。",
    ),
    "explain.feature": ("Feature", "特征"),
    "explain.sentence": (
        "Risk {score:.2f} against an average of {base:.2f}, mainly from {drivers}.",
        "风险 {score:.2f}（平均 {base:.2f}），主要来自 {drivers}。",
    ),
    "explain.driver": ("{feature} ({value:+.2f})", "{feature}（{value:+.2f}）"),
    "explain.driver_recent": (
        "{feature} over the last {steps} steps ({value:+.2f})",
        "最近 {steps} 个时间步的 {feature}（{value:+.2f}）",
    ),
    "explain.driver_latest": (
        "{feature} on the latest step ({value:+.2f})",
        "最新一个时间步的 {feature}（{value:+.2f}）",
    ),
    "explain.joiner": (" and ", " 和 "),
    "explain.separator": (", ", "、"),
    "explain.x_axis": ("Feature value on the x axis", "横轴的特征取值"),
    "explain.x_at_t": ("On the prediction date", "预测日当天"),
    "explain.x_mean": ("Window mean", "窗口均值"),
    "explain.x_std": ("Window volatility (std)", "窗口波动率（标准差）"),
    "explain.col_time": ("Date", "日期"),
    "explain.col_entity": ("Entity", "实体"),
    "explain.col_score": ("Risk score", "风险分数"),
    "explain.col_base": ("Average score", "平均分数"),
    "explain.col_raw_score": ("Raw model score", "模型原始分数"),
    "explain.col_gap": ("Additivity gap", "可加性偏差"),
    "explain.col_gap_help": (
        "Score − (average + sum of all SHAP values): the Monte-Carlo error of expected gradients.",
        "分数 −（平均分数 + 全部 SHAP 值之和）：期望梯度的蒙特卡洛误差。",
    ),
    "explain.col_resampled": ("Resampled", "已重新抽样"),
    "explain.resampled": (
        "{n} predictions had an additivity gap above {share:.0%} of their distance from the average "
        "and were explained again with {nsamples} samples.",
        "{n} 个预测的可加性偏差超过其与平均分数之差的 {share:.0%}，已用 {nsamples} 个样本重新解释。",
    ),
    "explain.units_note": (
        "Units differ: the deep model's SHAP values are probability points of its raw score, "
        "the gradient boosting's TreeExplainer values are log-odds. Compare the rankings, not the "
        "bar lengths.",
        "单位不同：深度模型的 SHAP 值以其原始分数的概率点为单位，梯度提升的 TreeExplainer 值以对数几率为单位。"
        "请比较排序，而非条形长度。",
    ),
    "explain.raw_score_note": (
        "Explained: the network's raw score {score:.3f}, before calibration.",
        "被解释的是网络的原始分数 {score:.3f}（校准之前）。",
    ),
    "explain.row_gap": (
        "Additivity gap of this row (score − average − sum of all SHAP values): {gap:+.4f}; "
        "the bar 'Other inputs and approximation' holds it with the features not shown.",
        "本行的可加性偏差（分数 − 平均分数 − 全部 SHAP 值之和）：{gap:+.4f}；"
        "“其他输入与近似误差”一栏包含该偏差及未显示的特征。",
    ),
    "explain.row_resampled": (
        "Its first additivity gap was too large, so it was explained again with more samples.",
        "其首次可加性偏差过大，已用更多样本重新解释。",
    ),
    "explain.calibrated_note": (
        "Calibrated probability shown on Results: {value:.3f}.",
        "结果页显示的校准后概率：{value:.3f}。",
    ),
    "explain.reasons": ("Reason codes: what raised the risk most", "原因代码：推高风险最多的因素"),
    "explain.reasons_none": (
        "No input raised this prediction's risk above the average, so it has no reason codes.",
        "没有输入使该预测的风险高于平均水平，因此没有原因代码。",
    ),
    "explain.reasons_count": (
        "{n} of {m} predictions have reasons; explain more rows to compute more.",
        "{m} 个预测中有 {n} 个有原因代码；解释更多预测可得到更多。",
    ),
    "explain.col_code": ("Code", "代码"),
    "explain.col_reason": ("Reason", "原因"),
    "explain.col_contribution": ("Contribution", "贡献"),
    "explain.col_feature": ("Feature", "特征"),
    "explain.col_en": ("English text", "英文文本"),
    "explain.col_zh": ("Chinese text", "中文文本"),
    "explain.catalogue": ("Reason catalogue (editable)", "原因代码目录（可编辑）"),
    "explain.catalogue_help": (
        "Each input column's code and reason text in both languages; saved with the run "
        "(reasons.json) and used by the CSV report and the command line.",
        "每个输入列的代码及中英文原因文本；随运行保存（reasons.json），CSV 报告和命令行都会使用。",
    ),
    "explain.catalogue_save": ("Save the catalogue with the run", "随运行保存目录"),
    "explain.catalogue_saved": (
        "Reason catalogue saved with the run.",
        "原因代码目录已随运行保存。",
    ),
    "stage.explaining": ("computing SHAP values", "计算 SHAP 值"),
    "stage.resampling": (
        "explaining rows with a large additivity gap again",
        "重新解释可加性偏差较大的预测",
    ),
    "stage.background": ("sampling the background", "抽取背景样本"),
    # chart labels (every key of riskcore.charts.DEFAULT_LABELS)
    "chart.date_day": ("%b %-d", "%-m月%-d日"),
    "chart.date_month": ("%b %Y", "%Y年%-m月"),
    "chart.date_year": ("%Y", "%Y年"),
    "chart.date_hover": ("%Y-%m-%d", "%Y-%m-%d"),
    "chart.model": ("Deep model", "深度模型"),
    "chart.logistic": ("Logistic regression", "逻辑回归"),
    "chart.gbm": ("Gradient boosting", "梯度提升"),
    "chart.benchmark": ("Best single input", "最佳单一输入"),
    "chart.historical": ("Historical simulation", "历史模拟法"),
    "chart.garch": ("GARCH(1,1)-t", "GARCH(1,1)-t"),
    "chart.fhs": ("Filtered historical simulation", "过滤历史模拟法"),
    "chart.model_raw": ("Deep model, raw score", "深度模型（原始分数）"),
    "chart.ece": ("Expected calibration error", "期望校准误差 ECE"),
    "chart.calibration_slope": ("Calibration slope (1 = calibrated)", "校准斜率（1 为已校准）"),
    "chart.calibration_intercept": (
        "Calibration intercept (0 = calibrated)",
        "校准截距（0 为已校准）",
    ),
    "train.calibration": ("Probability calibration", "概率校准"),
    "train.calibration_help": (
        "How raw scores become probabilities, fitted on the validation split: Platt scaling "
        "(a logistic curve, smooth, needs few events) or isotonic regression (a monotone step "
        "function, more flexible, needs more events).",
        "在验证集上拟合，将原始分数转换为概率：Platt 缩放（逻辑曲线，平滑，所需事件较少）或保序回归"
        "（单调阶梯函数，更灵活，需要更多事件）。",
    ),
    "train.calibration_platt": ("Platt scaling", "Platt 缩放"),
    "train.calibration_isotonic": ("isotonic regression", "保序回归"),
    "chart.event": ("Event", "事件"),
    "chart.non_event": ("No event", "无事件"),
    "chart.train": ("Train", "训练"),
    "chart.validation": ("Validation", "验证"),
    "chart.test": ("Test", "测试"),
    "chart.score": ("Risk score", "风险分数"),
    "chart.threshold_line": ("Threshold {value:.2f}", "阈值 {value:.2f}"),
    "chart.count": ("Count", "数量"),
    "chart.no_data": ("No data to show", "无可显示数据"),
    "chart.one_class": ("Needs both events and non-events", "需要同时包含事件与非事件"),
    "chart.roc_auc": ("ROC-AUC", "ROC-AUC"),
    "chart.pr_auc": ("PR-AUC", "PR-AUC"),
    "chart.ks": ("KS", "KS"),
    "chart.gini": ("Gini", "基尼系数"),
    "chart.brier": ("Brier score", "Brier 分数"),
    "chart.log_loss": ("Log loss", "对数损失"),
    "chart.auc": ("AUC", "AUC"),
    "chart.rmse": ("RMSE", "RMSE"),
    "chart.mae": ("MAE", "MAE"),
    "chart.r2": ("R²", "R²"),
    "chart.training_title": ("Training curves", "训练曲线"),
    "chart.epoch": ("Epoch", "轮次"),
    "chart.loss": ("Loss", "损失"),
    "chart.waiting": ("Waiting for the first epoch", "等待第一轮结果"),
    "chart.roc_title": ("ROC curve", "ROC 曲线"),
    "chart.fpr": ("False positive rate", "假阳性率"),
    "chart.tpr": ("True positive rate", "真阳性率"),
    "chart.chance": ("Chance", "随机"),
    "chart.roc_legend": ("{name} (AUC {auc:.3f})", "{name}（AUC {auc:.3f}）"),
    "chart.pr_title": ("Precision–recall", "精确率–召回率"),
    "chart.recall": ("Recall", "召回率"),
    "chart.precision": ("Precision", "精确率"),
    "chart.pr_baseline": ("Event rate {rate:.1%}", "事件率 {rate:.1%}"),
    "chart.pr_legend": ("{name} (AP {ap:.3f})", "{name}（AP {ap:.3f}）"),
    "chart.ks_title": ("KS curve", "KS 曲线"),
    "chart.threshold": ("Score threshold", "分数阈值"),
    "chart.cum_share": ("Cumulative share", "累计占比"),
    "chart.cum_events": ("Events", "事件"),
    "chart.cum_non_events": ("Non-events", "非事件"),
    "chart.ks_marker": ("KS {ks:.3f}", "KS {ks:.3f}"),
    "chart.calibration_title": ("Calibration", "校准"),
    "chart.mean_score": ("Mean predicted score", "平均预测分数"),
    "chart.event_rate": ("Observed event rate", "实际事件率"),
    "chart.perfect": ("Perfect calibration", "完美校准"),
    "chart.distribution_title": ("Score distribution", "分数分布"),
    "chart.class_share": ("Share of class (%)", "类别占比（%）"),
    "chart.gains_title": ("Cumulative gains", "累计增益"),
    "chart.population_share": ("Share of population, riskiest first", "人群占比（风险由高到低）"),
    "chart.events_captured": ("Share of events captured", "捕获事件占比"),
    "chart.gains": ("Model", "模型"),
    "chart.random": ("Random", "随机"),
    "chart.lift": ("Lift", "提升度"),
    "chart.confusion_title": ("Confusion matrix", "混淆矩阵"),
    "chart.predicted": ("Predicted", "预测"),
    "chart.actual": ("Actual", "实际"),
    "chart.comparison_title": ("Test metrics, 95% CI", "测试集指标（95% 置信区间）"),
    "chart.metric": ("Metric", "指标"),
    "chart.value": ("Value", "数值"),
    "chart.timeline_title": ("Risk over time: {entity}", "风险随时间变化：{entity}"),
    "chart.time": ("Date", "日期"),
    "results.model_sd": ("Model uncertainty", "模型不确定性"),
    "results.recommended_badge": (
        "Recommended (chosen on validation)",
        "推荐（按验证集选出）",
    ),
    "results.model_sd_help": (
        "Standard deviation of the ensemble's networks' scores for this prediction, in the "
        "score's units: how much networks trained from different seeds disagree.",
        "该预测在集成各网络间分数的标准差（与分数同单位）：不同种子训练的网络分歧有多大。",
    ),
    "chart.actual_event": ("Actual event", "实际事件"),
    "chart.model_uncertainty": ("Score ± spread across networks", "分数 ± 网络间离散度"),
    "chart.pva_title": ("Predicted vs actual", "预测值与实际值"),
    "chart.predictions": ("Predictions", "预测"),
    "chart.identity": ("Perfect prediction", "完美预测"),
    "chart.residuals_title": ("Residuals", "残差"),
    "chart.residual": ("Actual − predicted", "实际 − 预测"),
    "chart.psi_title": ("Feature drift (PSI)", "特征漂移（PSI）"),
    "chart.psi": ("PSI", "PSI"),
    "chart.feature": ("Feature", "特征"),
    "chart.psi_stable": ("Stable (< 0.1)", "稳定（< 0.1）"),
    "chart.psi_moderate": ("Moderate (0.1–0.25)", "中度（0.1–0.25）"),
    "chart.psi_major": ("Major (≥ 0.25)", "显著（≥ 0.25）"),
    # explanation chart labels (riskcore.explain_charts.EXPLAIN_LABELS)
    "chart.importance_title": (
        "What drives the score (mean |SHAP|)",
        "驱动风险分数的因素（平均 |SHAP|）",
    ),
    "chart.baseline_importance_title": (
        "Gradient boosting (TreeExplainer)",
        "梯度提升（TreeExplainer）",
    ),
    "chart.mean_abs_shap": ("Mean |SHAP|", "平均 |SHAP|"),
    "chart.mean_abs_shap_probability": (
        "Mean |SHAP| (probability points of the raw model score)",
        "平均 |SHAP|（模型原始分数的概率点）",
    ),
    "chart.mean_abs_shap_log_odds": ("Mean |SHAP| (log-odds)", "平均 |SHAP|（对数几率）"),
    "chart.mean_abs_shap_score": ("Mean |SHAP| (score units)", "平均 |SHAP|（分数单位）"),
    "chart.modality_title": ("Share by input", "各类输入的贡献占比"),
    "chart.share": ("Share", "占比"),
    "chart.beeswarm_title": ("SHAP value vs feature value", "SHAP 值与特征值"),
    "chart.shap_value": ("SHAP value (effect on the score)", "SHAP 值（对分数的影响）"),
    "chart.value_low": ("low", "低"),
    "chart.value_high": ("high", "高"),
    "chart.feature_value": ("Feature value (low → high)", "特征值（低 → 高）"),
    "chart.lag_title": ("Which days of the window matter", "窗口中哪些时间步重要"),
    "chart.steps_back": (
        "Steps before the prediction (0 = latest)",
        "距预测时点的步数（0 = 最新）",
    ),
    "chart.attention_title": (
        "Attention weights beside the SHAP lag profile",
        "注意力权重与 SHAP 时滞分布",
    ),
    "chart.attention": ("Attention weight", "注意力权重"),
    "chart.shap_profile": ("SHAP lag profile (share)", "SHAP 时滞分布（占比）"),
    "chart.waterfall_title": ("From the average score to this prediction", "从平均分数到本次预测"),
    "chart.base": ("Average score", "平均分数"),
    "chart.prediction": ("This prediction", "本次预测"),
    "chart.others": ("{n} other features", "其他 {n} 个特征"),
    "chart.residual_bar": ("Other inputs and approximation", "其他输入与近似误差"),
    "chart.residual_bar_hover": (
        "{n} other features {rest:+.4f}<br>Approximation gap {gap:+.4f}",
        "其他 {n} 个特征 {rest:+.4f}<br>近似误差 {gap:+.4f}",
    ),
    "chart.raw_score": ("Raw model score (before calibration)", "模型原始分数（校准前）"),
    "chart.waterfall_gap": (
        "Additivity gap of this row (score − average − all SHAP): {gap:+.4f}",
        "本行可加性偏差（分数 − 平均 − 全部 SHAP）：{gap:+.4f}",
    ),
    "chart.dependence_title": ("Dependence: {feature}", "依赖关系：{feature}"),
    "chart.modality_sequence": ("Sequence", "序列"),
    "chart.modality_macro": ("Macro", "宏观"),
    "chart.modality_sentiment": ("Sentiment", "情绪"),
    "chart.modality_static": ("Static", "静态"),
    # scenarios page
    "scen.skipped": ("Presets skipped for this run: ", "本次运行跳过的预设情景："),
    "scen.skip_sep": ("; ", "；"),
    "scen.skip_item": ("{preset} ({reason})", "{preset}（{reason}）"),
    "scen.skip_no_time": (
        "a replay needs dates, and this run has no time column",
        "重演需要日期，而本次运行没有时间列",
    ),
    "scen.skip_no_inputs": (
        "no macro, sentiment or sequence input to replay",
        "没有可重演的宏观、情绪或序列输入",
    ),
    "scen.skip_no_block": ("the run has no {detail} input", "本次运行没有 {detail} 输入"),
    "scen.skip_no_column": (
        "no input is named like it; searched: {detail}; shock any of them in the shock table",
        "没有名称相符的输入；已查找：{detail}；可在冲击表中对其中任意一列施加冲击",
    ),
    "scen.replay_sequence": (
        "Replay the period's sequence inputs too ({columns})",
        "同时重演该时期的序列输入（{columns}）",
    ),
    "scen.replay_sequence_help": (
        "Each entity's own returns, volatility and other sequence inputs of the period replace "
        "its recent windows, step by step, besides the macro and sentiment path.",
        "除宏观与情绪路径外，各实体在该时期自身的收益率、波动率等序列输入也逐步替换其最近的窗口。",
    ),
    "scen.replay_with_sequence": (
        "Macro, sentiment and sequence inputs of {start} to {end} replayed",
        "重演 {start} 至 {end} 的宏观、情绪与序列输入",
    ),
    "scen.measure": ("Measure", "指标"),
    "nav.scenarios": ("Scenarios", "情景分析"),
    "scen.title": ("Scenarios", "情景分析"),
    "scen.caption": (
        "Stress the active run's inputs (rates up, sentiment crash, volatility x2, a past crisis "
        "replayed) and see how the risk scores move.",
        "对当前运行的输入施加压力（利率上升、情绪崩溃、波动率翻倍、重演历史危机），观察风险分数如何变化。",
    ),
    # defining scenarios
    "scen.define": ("Define scenarios", "定义情景"),
    "scen.presets": ("Presets", "预设情景"),
    "scen.presets_help": (
        "Ready-made stress tests; each is bound to one of the run's columns, guessed from its "
        "name where possible.",
        "现成的压力测试；每个预设绑定到本次运行的一列，尽量根据列名自动猜测。",
    ),
    "scen.magnitude": ("Size of the preset shocks", "预设冲击的幅度"),
    "scen.magnitude_help": (
        "1 = as named (e.g. +200 bp); 2 doubles the shock, 0.5 halves it.",
        "1 表示按名称（如 +200 个基点）；2 表示冲击加倍，0.5 表示减半。",
    ),
    "scen.preset_column": ("Column for “{preset}”", "“{preset}”对应的列"),
    "scen.pick_column": ("Pick the column this preset shocks", "请选择该预设冲击的列"),
    "preset.policy_rate_up_200bp": ("Policy rate +200 bp", "政策利率 +200 个基点"),
    "preset.credit_spread_up_2sd": ("Credit spread +2 sd", "信用利差 +2 个标准差"),
    "preset.sentiment_crash_2sd": ("Sentiment crash −2 sd", "情绪崩溃 −2 个标准差"),
    "preset.volatility_x2_last_10": (
        "Volatility x2 over the last 10 days",
        "最近 10 天波动率翻倍",
    ),
    "preset.replay_worst_3_months": (
        "Replay the worst 3 months in the data",
        "重演数据中最差的 3 个月",
    ),
    "scen.custom": ("Build your own shocks", "自定义冲击"),
    "scen.custom_name": ("Scenario name", "情景名称"),
    "scen.custom_default": ("my scenario", "我的情景"),
    "scen.col_feature": ("Feature", "特征"),
    "scen.op_add": ("add", "加"),
    "scen.op_multiply": ("multiply", "乘以"),
    "scen.op_set": ("set", "设为"),
    "scen.unit_raw": ("raw units", "原始单位"),
    "scen.unit_std": ("standard deviations", "标准差"),
    "scen.col_op": ("Operation", "操作"),
    "scen.col_op_help": (
        "add a value, multiply by a factor, or set to a value",
        "加上一个值、乘以一个系数，或设为某个值",
    ),
    "scen.col_value": ("Value", "数值"),
    "scen.col_unit": ("Unit", "单位"),
    "scen.col_unit_help": (
        "raw units: the data's own; standard deviations: of the training data",
        "原始单位：数据本身的单位；标准差：训练集的标准差",
    ),
    "scen.col_last_steps": ("Last steps", "最近步数"),
    "scen.col_last_help": (
        "Sequence features only: shock just the most recent steps of each window",
        "仅限序列特征：只冲击每个窗口最近的若干步",
    ),
    "scen.col_entities": ("Entities", "实体"),
    "scen.col_entities_help": (
        "Comma-separated; empty = every entity",
        "用逗号分隔；留空表示全部实体",
    ),
    "scen.col_from": ("From", "开始日期"),
    "scen.col_to": ("To", "结束日期"),
    "scen.upload": ("Load scenarios (JSON)", "加载情景（JSON）"),
    "scen.upload_help": (
        'One scenario {"name": ..., "shocks": [...]} or a list of them, as downloaded here.',
        '单个情景 {"name": ..., "shocks": [...]} 或情景列表，即本页下载的格式。',
    ),
    "scen.uploaded": ("{n} scenario(s) loaded from {name}", "已从 {name} 加载 {n} 个情景"),
    # running
    "scen.name": ("Scenario", "情景"),
    "scen.what": ("What changes", "变化内容"),
    "scen.replay": (
        "Macro and sentiment path of {start} to {end} replayed",
        "重演 {start} 至 {end} 的宏观与情绪路径",
    ),
    "scen.base_case": ("Base case (no change)", "基准情形（无变化）"),
    "scen.none_defined": (
        "Pick a preset, fill in the shock table or load a JSON file to define a scenario.",
        "请选择预设、填写冲击表或加载 JSON 文件来定义情景。",
    ),
    "scen.which": ("Predictions to stress", "施压的预测"),
    "scen.which_test": ("Test period", "测试期"),
    "scen.which_latest": ("Latest date per entity", "各实体最新日期"),
    "scen.which_all": ("All", "全部"),
    "scen.which_help": (
        "Test period: the run's test predictions; latest: today's portfolio; all: every "
        "prediction with a full window.",
        "测试期：本次运行的测试集预测；最新：当前组合；全部：所有具有完整窗口的预测。",
    ),
    "scen.duplicate": (
        "Two scenarios are named “{name}”; rename one.",
        "有两个情景都叫“{name}”，请重命名其中一个。",
    ),
    "scen.download": ("Save scenarios", "保存情景"),
    "scen.run": ("Run {n} scenario(s)", "运行 {n} 个情景"),
    "stage.scenarios": ("scoring the scenarios", "计算情景分数"),
    "stage.tuning": ("tuning trials", "调参试验"),
    # results
    "scen.results": ("Results", "结果"),
    "scen.no_results": (
        "No scenario results for this run yet: define scenarios above and run them.",
        "本次运行还没有情景结果：请在上方定义情景并运行。",
    ),
    "scen.show": ("Results to compare", "要比较的结果"),
    "scen.sum_predictions": ("Predictions", "预测数"),
    "scen.sum_affected": ("Changed", "受影响"),
    "scen.sum_mean_base": ("Mean score, base", "平均分数（基准）"),
    "scen.sum_mean_scenario": ("Mean score, scenario", "平均分数（情景）"),
    "scen.sum_mean_delta": ("Mean change", "平均变化"),
    "scen.sum_p90_base": ("90th pct, base", "90 分位（基准）"),
    "scen.sum_p90_scenario": ("90th pct, scenario", "90 分位（情景）"),
    "scen.sum_above_base": ("Above threshold, base", "超过阈值（基准）"),
    "scen.sum_above_scenario": ("Above threshold, scenario", "超过阈值（情景）"),
    "scen.sum_events_base": ("Expected events, base", "预期事件数（基准）"),
    "scen.sum_events_scenario": ("Expected events, scenario", "预期事件数（情景）"),
    "scen.detail": ("Details of", "查看详情"),
    "scen.download_csv": ("Download CSV", "下载 CSV"),
    "scen.top_movers": ("Entities that move most", "变化最大的实体"),
    "scen.edit": ("Edit a copy in the shock table", "在冲击表中编辑副本"),
    "scen.explain": ("Why did the score move?", "分数为何变化？"),
    "scen.explain_scenario": ("Scenario to explain", "要解释的情景"),
    "scen.explain_start": ("Explain with SHAP", "用 SHAP 解释"),
    "scen.explain_caption": (
        "Mean over the entity's {n} most recent predictions; background: the unshocked inputs.",
        "取该实体最近 {n} 个预测的平均；背景为未受冲击的输入。",
    ),
    # comparing runs
    "nav.compare": ("Compare", "比较运行"),
    "compare.title": ("Compare runs", "比较运行"),
    "compare.caption": (
        "Two to four runs side by side: test metrics with intervals, ROC and PR curves, training "
        "curves and the settings that differ; runs are named by name and date.",
        "并排比较二至四次运行：带区间的测试指标、ROC 与 PR 曲线、训练曲线及不同的设置；运行以名称和日期标注。",
    ),
    "compare.need_two": (
        "Comparing needs at least two runs; train another one on the Train page.",
        "比较至少需要两次运行；请在训练页再训练一次。",
    ),
    "compare.runs": ("Runs to compare (2 to 4)", "要比较的运行（2 至 4 个）"),
    "compare.runs_help": (
        "Newest first; the active run is picked first.",
        "按时间倒序；默认包含当前运行。",
    ),
    "compare.pick_two": ("Pick at least two runs.", "请至少选择两次运行。"),
    "compare.comparable": (
        "Same data and test period: the test metrics compare directly.",
        "数据与测试期相同：测试指标可以直接比较。",
    ),
    "compare.not_comparable": (
        "Not comparable on the same test set: {reason}",
        "不能在同一测试集上比较：{reason}",
    ),
    "compare.baselines": ("Show the baselines too", "同时显示基准模型"),
    "compare.model": ("Model", "模型"),
    "compare.config_diff": ("Settings that differ", "不同的设置"),
    "compare.same_config": ("The runs share every setting.", "这些运行的设置完全相同。"),
    "compare.field": ("Setting", "设置项"),
    "compare.task": ("Task", "任务"),
    "compare.key": ("Config key", "配置键"),
    # tuning
    "nav.tune": ("Tune", "自动调参"),
    "tune.title": ("Tune", "自动调参"),
    "tune.same_data": (
        "The data loaded now are the files the search ran on ({files}): Train fits the best "
        "config to them.",
        "当前加载的数据正是搜索所用的文件（{files}）：训练页将用它们拟合最佳配置。",
    ),
    "tune.other_data": (
        "The data loaded now differ from the data the search ran on ({roles}: {now} is loaded, "
        "the search used {files}). The best config is best for that data: load those files on "
        "the Data page before training, or expect other results.",
        "当前加载的数据与搜索所用数据不同（{roles}：当前为 {now}，搜索使用 {files}）。"
        "最佳配置只对那批数据最佳：训练前请在数据页加载这些文件，否则结果可能不同。",
    ),
    "tune.caption": (
        "Searches around run {run_id}'s settings on the data it was trained on; every trial is "
        "stored as a run and judged by its validation {metric} (the test split is never used "
        "to choose).",
        "在运行 {run_id} 的设置附近、用其训练数据进行搜索；每次试验都保存为一次运行，"
        "并以验证集 {metric} 评判（选择时从不使用测试集）。",
    ),
    "tune.params": ("Hyperparameters to search", "要搜索的超参数"),
    "tune.params_help": (
        "units: the first recurrent layer (later layers keep their ratio to it).",
        "units：第一层循环层的单元数（后续层保持与它的比例）。",
    ),
    "tune.low": ("From", "最小值"),
    "tune.high": ("To", "最大值"),
    "tune.log": ("log", "对数"),
    "tune.log_help": (
        "Sample on a log scale (for learning rate, L2, sizes)",
        "按对数尺度采样（适用于学习率、L2、规模类参数）",
    ),
    "tune.trials": ("Trials", "试验次数"),
    "tune.timeout": ("Time budget (minutes)", "时间预算（分钟）"),
    "tune.timeout_help": (
        "No new trial starts after this; the one training finishes.",
        "超过预算后不再开始新试验；正在训练的试验会完成。",
    ),
    "tune.pick_params": ("Pick at least one hyperparameter.", "请至少选择一个超参数。"),
    "tune.start": ("Start tuning", "开始调参"),
    "tune.best": (
        "Best trial: run {run_id}, validation {metric} {value}",
        "最佳试验：运行 {run_id}，验证集 {metric} {value}",
    ),
    "tune.use_best": ("Load the best config into Train", "将最佳配置载入训练页"),
    "tune.go_train": ("Open the Train page", "打开训练页"),
    "tune.need_data": (
        "The best config is loaded, but this session has no data files: load the files the "
        "search ran on ({files}) on the Data page, then upload this config there (a new file "
        "resets the column mapping).",
        "最佳配置已载入，但本会话没有数据文件：请在数据页加载搜索所用的文件（{files}），"
        "然后在该页上传此配置（新文件会重置列映射）。",
    ),
    "tune.download_config": ("Download the best config", "下载最佳配置"),
    # chart labels (riskcore.charts.scenarios, riskcore.charts.compare)
    "chart.scenario_distribution_title": (
        "Score distribution: base and scenarios",
        "分数分布：基准与各情景",
    ),
    "chart.share_of_predictions": ("Share of predictions (%)", "预测占比（%）"),
    "chart.base_case": ("Base", "基准"),
    "chart.entity_delta_title": ("Mean score change per entity", "各实体平均分数变化"),
    "chart.mean_delta": ("Mean change in score", "分数平均变化"),
    "chart.entity": ("Entity", "实体"),
    "chart.attribution_title": (
        "Which inputs moved the score: {entity}",
        "哪些输入改变了分数：{entity}",
    ),
    "chart.contribution": ("Contribution to the score change", "对分数变化的贡献"),
    "chart.runs_roc_title": ("ROC curves of the runs (test)", "各运行的 ROC 曲线（测试集）"),
    "chart.runs_pr_title": (
        "Precision–recall of the runs (test)",
        "各运行的精确率–召回率（测试集）",
    ),
    "chart.runs_training_title": (
        "Training curves of the runs (validation solid, train dotted)",
        "各运行的训练曲线（实线为验证集，点线为训练集）",
    ),
    "chart.tuning_title": ("Tuning trials: each line is one trial", "调参试验：每条线是一次试验"),
    "chart.trial": ("Trial", "试验"),
    # report page
    "report.csv_scope": ("Predictions in the CSV", "CSV 包含的预测"),
    "report.csv_scope_test": ("Test period", "测试期"),
    "report.csv_scope_all": ("All splits", "全部划分"),
    "report.csv_scope_help": (
        "The test period is what the metrics are judged on. All splits adds the training and "
        "validation predictions (a `split` column tells them apart); on a large run the file "
        "is several times bigger.",
        "测试期即评估指标所依据的区间。全部划分还包含训练集和验证集的预测（以 `split` 列区分）；"
        "大型运行的文件会大数倍。",
    ),
    "report.csv_build": ("Prepare CSV", "准备 CSV"),
    "report.csv_building": ("Writing the CSV…", "正在生成 CSV……"),
    "report.csv_size": ("{size} KB", "{size} KB"),
    "report.csv_stale": (
        "The options changed since the CSV was prepared: prepare it again.",
        "准备 CSV 后选项已更改：请重新准备。",
    ),
    "nav.report": ("Report", "报告"),
    "report.title": ("Risk report", "风险报告"),
    "report.caption": (
        "Export the active run as a CSV for spreadsheets or a PDF for the risk committee. "
        "Run {run_id}.",
        "将当前运行导出为供表格软件使用的 CSV，或供风险委员会阅读的 PDF。运行 {run_id}。",
    ),
    "report.no_run": (
        "No run selected: train one on the Train page, then come back for its report.",
        "未选择运行：请先在训练页训练模型，再回来生成报告。",
    ),
    "report.options": ("Report options", "报告选项"),
    "report.doc_title": ("Report title", "报告标题"),
    "report.doc_title_help": (
        "Printed on the cover and in the header of every page.",
        "显示在封面和每页页眉中。",
    ),
    "report.notes": ("Analyst notes", "分析师备注"),
    "report.notes_help": (
        "Shown on the cover as typed (no formatting is applied).",
        "按原样显示在封面上（不做任何格式处理）。",
    ),
    "report.language": ("Report language", "报告语言"),
    "report.language_help": (
        "The whole PDF is written in this language; entity and column names stay as in the data.",
        "整份 PDF 使用该语言；实体名与列名保持数据中的原样。",
    ),
    "report.sections": ("Sections", "章节"),
    "report.sections_help": (
        "The cover is always included; sections keep their reading order.",
        "封面始终包含；各章节保持固定顺序。",
    ),
    "report.threshold": ("Decision threshold", "决策阈值"),
    "report.threshold_help": (
        "Scores at or above it are flagged: the CSV gets a 0/1 `flagged` column and the PDF a "
        "precision / recall table at this threshold.",
        "评分不低于该值即预警：CSV 增加 0/1 的 flagged 列，PDF 给出该阈值下的精确率 / 召回率表。",
    ),
    "report.threshold_regression": (
        "Flag scores above (optional)",
        "预警阈值（可选）",
    ),
    # report: quantile
    "report.threshold_var": (
        "Flag VaR at or below (a return, optional)",
        "VaR 预警阈值（收益率，可选）",
    ),
    "report.threshold_var_help": (
        "A return such as -0.03: predictions whose VaR at the lowest level is at or below it "
        "(a loss of 3% or more) are flagged in the CSV's 0/1 `flagged` column.",
        "例如 -0.03：最低水平 VaR 不高于该值（损失达 3% 及以上）的预测，在 CSV 的 0/1 flagged "
        "列中标记为预警。",
    ),
    "report.csv_caption_var": (
        "Every prediction with the VaR and ES of each model at each level, the deep model's "
        "breaches (0/1), its risk band and scenario scores when present. UTF-8 with BOM; "
        "formula-like text is escaped.",
        "每条预测及各模型在各水平上的 VaR 与 ES、深度模型的突破标记（0/1）、风险档和情景评分"
        "（如有）。UTF-8 带 BOM；类似公式的文本已转义。",
    ),
    "report.csv_header": ("Predictions as CSV", "预测结果 CSV"),
    "report.csv_caption": (
        "Every prediction with its risk band, top drivers and scenario scores when present. "
        "UTF-8 with BOM; formula-like text is escaped.",
        "每条预测及其风险档、主要驱动因素和情景评分（如有）。UTF-8 带 BOM；类似公式的文本已转义。",
    ),
    "report.download_csv": ("Download CSV", "下载 CSV"),
    "report.pdf_header": ("PDF report", "PDF 报告"),
    "report.build": ("Build PDF", "生成 PDF"),
    "report.building": ("Building the PDF report…", "正在生成 PDF 报告……"),
    "report.built": (
        "PDF ready ({size} KB).",
        "PDF 已生成（{size} KB）。",
    ),
    "report.stale": (
        "The options changed since the PDF was built: build it again to include them.",
        "生成 PDF 后选项已更改：请重新生成以应用新选项。",
    ),
    "report.download_pdf": ("Download PDF", "下载 PDF"),
    "report.preview": ("First page", "首页预览"),
    "report.no_preview": (
        "No preview: the first page could not be rendered (the server needs pdftoppm from "
        "poppler-utils). The PDF itself is complete.",
        "无法预览：首页未能渲染（服务器需要 poppler-utils 中的 pdftoppm）。PDF 本身是完整的。",
    ),
    # monitor page
    "monitor.score_title": ("Score a new file", "为新文件打分"),
    "monitor.score_caption": (
        "Upload new data in the training file's layout; the active run (run {run_id}) scores "
        "it with its saved preprocessing and model, measures drift and raises alerts, as "
        "`watch` does for a folder.",
        "上传与训练文件格式相同的新数据；当前运行（运行 {run_id}）使用其保存的预处理和模型为其"
        "打分、衡量漂移并发出警报，与 `watch` 监控文件夹的做法相同。",
    ),
    "monitor.upload": ("New data file (CSV, TSV or Excel)", "新数据文件（CSV、TSV 或 Excel）"),
    "monitor.upload_help": (
        "The same columns as the run's training file: time, entity and every input. Each "
        "entity needs at least one full window of rows.",
        "列与该运行的训练文件相同：时间、实体及全部输入。每个实体至少需要一个完整窗口的行数。",
    ),
    "monitor.upload_macro": ("Macro indicators file", "宏观指标文件"),
    "monitor.upload_sentiment": ("News sentiment file", "新闻情绪文件"),
    "monitor.context_help": (
        "The run was trained with this file's columns, so scoring needs them up to the new "
        "data's dates.",
        "该运行训练时使用了此文件的列，因此打分需要截至新数据日期的这些列。",
    ),
    "monitor.role_macro": ("the macro indicators file", "宏观指标文件"),
    "monitor.role_sentiment": ("the news sentiment file", "新闻情绪文件"),
    "monitor.sep": (", ", "、"),
    "monitor.needs": (
        "The run also needs {files} before the file can be scored.",
        "打分前还需要上传{files}。",
    ),
    "monitor.threshold": ("Alert threshold", "警报阈值"),
    "monitor.threshold_help": (
        "An entity is alerted when its latest score reaches this threshold and its previous "
        "score did not. For classification runs it is the run's decision threshold, shared "
        "with the Results page.",
        "当实体的最新分数达到此阈值而此前分数未达到时发出警报。分类运行使用该运行的决策阈值，"
        "与“结果”页面共享。",
    ),
    "monitor.score": ("Score the file", "为文件打分"),
    "monitor.scored": (
        "{file}: {rows} predictions scored, mean score {mean}. The record below includes it.",
        "{file}：已为 {rows} 条预测打分，平均分数 {mean}。下方记录已包含该文件。",
    ),
    "monitor.score_failed": (
        "{file} could not be scored: {error}",
        "无法为 {file} 打分：{error}",
    ),
    "monitor.drifted": (
        "Drift at or above the alert level (PSI 0.25): {inputs}",
        "漂移达到或超过警报水平（PSI 0.25）：{inputs}",
    ),
    "monitor.crossed": (
        "{n} entities crossed the threshold: {entities}",
        "{n} 个实体越过阈值：{entities}",
    ),
    "monitor.first_score": ("first score", "首次打分"),
    "monitor.how_title": ("Watch a folder from the command line", "通过命令行监控文件夹"),
    "stage.reading": ("reading the files", "读取文件"),
    "stage.scoring": ("scoring the file", "为文件打分"),
    "nav.monitor": ("Monitor", "监控"),
    "monitor.title": ("Monitor", "监控"),
    "monitor.caption": (
        "New data scored with the run, here or by `watch` as it arrives: drift against the "
        "training data over time and the entities whose risk crossed the threshold. Run {run_id}.",
        "用该运行为新数据打分（在此页面，或由 `watch` 在数据到达时）：随时间变化的相对训练数据的"
        "漂移，以及风险越过阈值的实体。运行 {run_id}。",
    ),
    "monitor.how": (
        "Start a watch on the folder where new files arrive (on this server or any machine that "
        "shares the run store); results appear here:",
        "在新文件到达的文件夹上启动监控（在本服务器或共享运行存储的任何机器上）；结果会显示在这里：",
    ),
    "monitor.none": (
        "No file has been scored for this run yet.",
        "该运行尚未对任何文件打分。",
    ),
    "monitor.files": ("Files scored", "已打分文件"),
    "monitor.last": ("Last file", "最近文件"),
    "monitor.alerts": ("Threshold alerts", "阈值警报"),
    "monitor.score_psi": ("Score PSI, last file", "最近文件的分数 PSI"),
    "monitor.alerts_title": ("Entities that crossed the threshold", "越过阈值的实体"),
    "monitor.no_alerts": ("No entity has crossed the threshold.", "尚无实体越过阈值。"),
    "monitor.download_alerts": ("Download alerts.csv", "下载 alerts.csv"),
    "monitor.files_title": ("Files", "文件"),
    "monitor.col_file": ("File", "文件"),
    "monitor.col_at": ("Scored at", "打分时间"),
    "monitor.col_data_to": ("Data up to", "数据截至"),
    "monitor.col_rows": ("Predictions", "预测数"),
    "monitor.col_mean": ("Mean score", "平均分数"),
    "monitor.col_psi": ("Score PSI", "分数 PSI"),
    "monitor.col_drifted": ("Drifted inputs (PSI ≥ alert level)", "漂移的输入（PSI ≥ 警报水平）"),
    "monitor.col_error": ("Problem", "问题"),
    "monitor.col_entity": ("Entity", "实体"),
    "monitor.col_time": ("Date", "日期"),
    "monitor.col_score": ("Score", "分数"),
    "monitor.col_previous": ("Previous score", "此前分数"),
    "monitor.col_detected": ("Detected", "发现时间"),
    "chart.drift_title": (
        "Drift against the training data, file by file (PSI)",
        "逐文件相对训练数据的漂移（PSI）",
    ),
    "chart.data_to": ("Latest date in the file", "文件中的最新日期"),
    "chart.score_label": ("Risk score", "风险分数"),
    "chart.mean_score_title": ("Mean risk score of each file", "各文件的平均风险分数"),
    "chart.file_mean_score": ("Mean score", "平均分数"),
    "chart.moderate": ("moderate", "中度"),
    "chart.major": ("major", "显著"),
    # mixed-frequency macro files (ui/data_widgets.py macro uploads)
    "data.macro_file_lag": ("Publication lag of {name}", "{name} 的发布滞后"),
    "data.macro_file_lag_help": (
        "Calendar time between a value's date and the first date it may be used, such as 0D, "
        "1D, 45D, 1M or 1Q: a value dated d is used at t only when d + lag ≤ t. Saved in the "
        "config for each column of this file (data.macro_lags).",
        "数值日期与其首次可用日期之间的日历间隔，如 0D、1D、45D、1M 或 1Q：日期为 d 的数值只在 "
        "d + 滞后 ≤ t 时于 t 使用。按本文件的每一列保存到配置中（data.macro_lags）。",
    ),
    "data.macro_file_freq": (
        "Detected frequency: {frequency}; default lag {lag}.",
        "检测到的频率：{frequency}；默认滞后 {lag}。",
    ),
    "data.freq_daily": ("daily", "日频"),
    "data.freq_business_daily": ("business daily", "工作日频"),
    "data.freq_weekly": ("weekly", "周频"),
    "data.freq_monthly": ("monthly", "月频"),
    "data.freq_quarterly": ("quarterly", "季频"),
    "data.freq_annual": ("annual", "年频"),
    "data.freq_irregular": ("irregular", "不规则"),
    "data.macro_reason_late": (
        "A period's figure is published after the period ends, so each date sees the previous "
        "period's value.",
        "每期数据在该期结束后才发布，因此每个日期使用上一期的数值。",
    ),
    "data.macro_reason_prompt": (
        "A value is known on its date and used from that date on.",
        "数值在其日期当天即可获得，自该日起使用。",
    ),
    "data.macro_reason_irregular": (
        "Its dates fit no frequency (median gap {gap} days), so it is treated as daily.",
        "其日期不符合任何频率（间隔中位数 {gap} 天），因此按日频处理。",
    ),
    "data.macro_lags_own": (
        "The config gives this file's columns their own lags ({lags}); a lag typed above "
        "replaces them.",
        "配置为本文件的各列设置了各自的滞后（{lags}）；在上方输入滞后将替换它们。",
    ),
    # quantile task: VaR / ES (Results, Explain, Scenarios, Report)
    "chart.pinball": ("Pinball loss (bp)", "分位数损失（基点）"),
    "chart.var_title": ("Returns and {level} VaR: {entity}", "收益率与 {level} VaR：{entity}"),
    "chart.return": ("Forward return", "远期收益率"),
    "chart.realised": ("Realised return", "实际收益率"),
    "chart.var_line": ("VaR {name}", "VaR {name}"),
    "chart.es_line": ("ES {name}", "ES {name}"),
    "chart.breach": ("Breach ({name})", "突破（{name}）"),
    "chart.breach_title": (
        "Breach rate at the {level} level, 95% CI",
        "{level} 水平的突破率（95% 置信区间）",
    ),
    "chart.breach_rate": ("Breach rate", "突破率"),
    "chart.expected_rate": ("Level {level}", "水平 {level}"),
    "results.tab_var_series": ("Returns and VaR", "收益率与 VaR"),
    "results.tab_backtests": ("Backtests", "回测"),
    "var.light_title": ("Basel traffic light, {level}", "巴塞尔红绿灯，{level}"),
    "var.zone_green": ("Green", "绿区"),
    "var.zone_yellow": ("Yellow", "黄区"),
    "var.zone_red": ("Red", "红区"),
    "var.light_pooled": (
        "Deep model, all test rows pooled: {exceptions} exceptions in {n} (expected {expected}).",
        "深度模型，全部测试样本合并：{n} 次中突破 {exceptions} 次（期望 {expected} 次）。",
    ),
    "var.light_entities": (
        "Per entity, over each one's last 250 test rows ({n} entities): "
        ":green[**{green} green**] · :orange[**{yellow} yellow**] · :red[**{red} red**]",
        "按实体，各自最后 250 个测试样本（共 {n} 个实体）："
        ":green[**{green} 个绿区**] · :orange[**{yellow} 个黄区**] · :red[**{red} 个红区**]",
    ),
    "var.light_worst": ("Most exceptions: {names}.", "突破最多：{names}。"),
    "var.light_rule": (
        "Basel rule for 99% VaR over 250 days: green 0-4 exceptions, yellow 5-9 (capital "
        "multiplier add-on 0.40-0.85), red 10 or more (add-on 1). Other levels and sample sizes "
        "use the same binomial probabilities (below 95% green, from 99.99% red).",
        "巴塞尔规则（250 天 99% VaR）：0-4 次突破为绿区，5-9 次为黄区（资本乘数附加 0.40-0.85），"
        "10 次及以上为红区（附加 1）。其他水平与样本量按同样的二项概率划分（低于 95% 为绿区，"
        "达到 99.99% 为红区）。",
    ),
    "var.col_model": ("Model", "模型"),
    "var.col_entity": ("Entity", "实体"),
    "var.col_pinball": ("Pinball (bp)", "分位数损失（基点）"),
    "var.col_breaches": ("Breaches", "突破次数"),
    "var.col_expected": ("Expected", "期望次数"),
    "var.col_rate": ("Breach rate (95% CI)", "突破率（95% 置信区间）"),
    "var.col_kupiec": ("Kupiec p", "Kupiec p 值"),
    "var.col_christoffersen": ("Christoffersen p", "Christoffersen p 值"),
    "var.col_cc": ("Cond. coverage p", "条件覆盖 p 值"),
    "var.col_light": ("Traffic light", "红绿灯"),
    "var.col_es": ("ES backtest", "ES 回测"),
    "var.col_mcneil": ("McNeil-Frey p", "McNeil-Frey p 值"),
    "var.col_last": ("Last 250: exceptions", "最后 250 个：突破"),
    "var.col_plus": ("Plus factor", "附加因子"),
    "var.tests_note": (
        "Kupiec: is the breach rate the level? Christoffersen: do breaches cluster (a breach "
        "followed by a breach more often than chance)? Conditional coverage: both at once. A p "
        "below 0.05 rejects the VaR. ES backtest: Acerbi-Szekely Z2 (zones at -0.70 and -1.80) "
        "and McNeil-Frey's bootstrap test of the exceedance residuals. Breach-rate intervals: "
        "block bootstrap over dates.",
        "Kupiec：突破率是否等于水平？Christoffersen：突破是否聚集（突破后再次突破的频率高于随机）？"
        "条件覆盖：两者同时检验。p 值低于 0.05 即拒绝该 VaR。ES 回测：Acerbi-Szekely Z2（分区界限 "
        "-0.70 与 -1.80）及 McNeil-Frey 超额残差自助检验。突破率区间：按日期的分块自助法。",
    ),
    "var.level": ("VaR level", "VaR 水平"),
    "var.models": ("Comparators on the chart", "图中的比较模型"),
    "var.models_help": (
        "The deep model is always drawn, with its ES (dashed) and its breaches (red crosses).",
        "始终绘制深度模型及其 ES（虚线）与突破点（红叉）。",
    ),
    "var.by_entity": ("{model}: backtest per entity", "{model}：按实体回测"),
    "target.forward_return": (
        "Forward return: VaR and expected shortfall (quantile)",
        "远期收益率：VaR 与预期损失（分位数）",
    ),
    "data.target_column_forward_return": ("Price or return column", "价格或收益率列"),
    "data.quantiles": ("VaR levels (tail probability)", "VaR 水平（尾部概率）"),
    "data.quantile_level": ("{level} ({confidence} VaR)", "{level}（{confidence} VaR）"),
    "data.quantiles_help": (
        "The model predicts the forward return's quantile at each level (the VaR, 0.01 is the "
        "99% VaR) and the expected shortfall below it, and is backtested against historical "
        "simulation and GARCH. A column with negative values is read as one-step log returns, "
        "a positive one as prices.",
        "模型预测远期收益率在各水平上的分位数（VaR，0.01 即 99% VaR）及其下方的预期损失，"
        "并与历史模拟法和 GARCH 一同回测。含负值的列视为单步对数收益率，全为正值的列视为价格。",
    ),
    # explain/scenarios: quantile
    "explain.var_sentence": (
        "{level} VaR {score:.2%} against an average of {base:.2%} (more negative = more risk), "
        "mainly from {drivers}.",
        "{level} VaR 为 {score:.2%}（平均 {base:.2%}；越负风险越高），主要来自 {drivers}。",
    ),
    "explain.var_driver": ("{feature} ({value:+.1f} bp)", "{feature}（{value:+.1f} 个基点）"),
    "explain.var_driver_recent": (
        "{feature} over the last {steps} steps ({value:+.1f} bp)",
        "最近 {steps} 个时间步的 {feature}（{value:+.1f} 个基点）",
    ),
    "explain.var_driver_latest": (
        "{feature} on the latest step ({value:+.1f} bp)",
        "最新一个时间步的 {feature}（{value:+.1f} 个基点）",
    ),
    "explain.var_request": (
        "A quantile run: the deep model's VaR at every level ({levels}) is explained on the same "
        "predictions; the riskiest are those with the most negative VaR at the lowest level.",
        "分位数运行：在同一批预测上解释深度模型各水平（{levels}）的 VaR；风险最高的预测是最低水平 "
        "VaR 最负的那些。",
    ),
    "explain.var_level": ("VaR level explained", "解释的 VaR 水平"),
    "explain.var_level_help": (
        "Every level was explained on the same predictions: switching shows another level at once.",
        "各水平均在同一批预测上解释：切换水平即时显示。",
    ),
    "explain.var_note": (
        "SHAP values of the deep model's {level} VaR, in return units: a negative value pushes the "
        "VaR further into the tail (more risk), a positive one pulls it back. Beside it: gradient "
        "boosting with the quantile loss at the same level (TreeExplainer), in return units too.",
        "深度模型 {level} VaR 的 SHAP 值，以收益率为单位：负值使 VaR 更深入尾部（风险更高），正值使其"
        "回升。旁边是同一水平上采用分位数损失的梯度提升（TreeExplainer），同样以收益率为单位。",
    ),
    "explain.col_var": ("VaR (return)", "VaR（收益率）"),
    "explain.col_base_var": ("Average VaR", "平均 VaR"),
    "explain.col_contribution_var": (
        "Contribution to the VaR (bp; negative = more risk)",
        "对 VaR 的贡献（基点；负值表示风险更高）",
    ),
    "chart.importance_title_var": (
        "What drives the {level} VaR (mean |SHAP|)",
        "驱动 {level} VaR 的因素（平均 |SHAP|）",
    ),
    "chart.baseline_importance_title_var": (
        "Gradient boosting, quantile loss (TreeExplainer)",
        "梯度提升，分位数损失（TreeExplainer）",
    ),
    "chart.mean_abs_shap_return": (
        "Mean |SHAP| (return units of the VaR)",
        "平均 |SHAP|（VaR 的收益率单位）",
    ),
    "chart.shap_value_var": (
        "SHAP value (effect on the VaR, return; negative = more risk)",
        "SHAP 值（对 VaR 的影响，收益率；负值表示风险更高）",
    ),
    "chart.waterfall_title_var": (
        "From the average {level} VaR to this prediction's",
        "从平均 {level} VaR 到该预测的 VaR",
    ),
    "chart.base_var": ("Average VaR", "平均 VaR"),
    "chart.prediction_var": ("This prediction's VaR", "该预测的 VaR"),
    "chart.var_axis": (
        "{level} VaR (return; more negative = more risk)",
        "{level} VaR（收益率；越负风险越高）",
    ),
    "chart.var_distribution_title": (
        "{level} VaR: base and scenarios",
        "{level} VaR：基准与各情景",
    ),
    "chart.var_delta_title": (
        "Change in the {level} VaR per entity (bp)",
        "各实体 {level} VaR 的变化（基点）",
    ),
    "chart.var_delta": (
        "Mean change in VaR (bp; negative = more risk)",
        "VaR 平均变化（基点；负值表示风险更高）",
    ),
    "chart.var_stress_title": (
        "Baseline vs stressed {level} VaR: {scenario}",
        "基准与压力下的 {level} VaR：{scenario}",
    ),
    "chart.var_baseline": ("Baseline VaR", "基准 VaR"),
    "chart.var_stressed": ("Stressed VaR", "压力 VaR"),
    "chart.pooled": ("All entities", "全部实体"),
    "chart.var_attribution_title": (
        "Which inputs moved the {level} VaR: {entity}",
        "哪些输入改变了 {level} VaR：{entity}",
    ),
    "chart.var_contribution": (
        "Contribution to the VaR change (bp; negative = more risk)",
        "对 VaR 变化的贡献（基点；负值表示风险更高）",
    ),
    "scen.var_level": ("VaR level", "VaR 水平"),
    "scen.var_note": (
        "A quantile run: each scenario recomputes the deep model's VaR and ES (returns, means over "
        "the predictions). A more negative VaR or ES means more risk; a change is stressed minus "
        "baseline, in basis points, so a negative change adds risk.",
        "分位数运行：每个情景重新计算深度模型的 VaR 与 ES（收益率，对各预测取平均）。VaR 或 ES "
        "越负风险越高；变化为压力值减基准值（基点），负的变化表示风险增加。",
    ),
    "scen.var_col_level": ("Level", "水平"),
    "scen.var_col_base": ("VaR, baseline", "VaR（基准）"),
    "scen.var_col_scenario": ("VaR, stressed", "VaR（压力）"),
    "scen.var_col_change": ("VaR change (bp)", "VaR 变化（基点）"),
    "scen.var_change_help": (
        "Stressed minus baseline VaR, in basis points: negative = further into the tail (more "
        "risk).",
        "压力 VaR 减基准 VaR（基点）：负值表示更深入尾部（风险更高）。",
    ),
    "scen.var_col_es_base": ("ES, baseline", "ES（基准）"),
    "scen.var_col_es_scenario": ("ES, stressed", "ES（压力）"),
    "scen.var_col_es_change": ("ES change (bp)", "ES 变化（基点）"),
    "scen.var_by_entity": (
        "{level} VaR, baseline vs stressed: all entities and each one",
        "{level} VaR，基准与压力对比：全部实体及各实体",
    ),
    "scen.var_explain": ("Why did the VaR move?", "VaR 为何变化？"),
    # validate: quantile (ui/validate_widgets.py on a VaR / ES run)
    "validate.check.var_traffic_light": ("Basel traffic light", "巴塞尔交通灯"),
    "validate.check.var_kupiec": ("Kupiec breach-rate p-value", "Kupiec 突破率检验 p 值"),
    "validate.check.var_independence": (
        "Christoffersen independence p-value",
        "Christoffersen 独立性检验 p 值",
    ),
    "validate.check.var_conditional_coverage": (
        "Conditional-coverage p-value",
        "条件覆盖检验 p 值",
    ),
    "validate.check.es_backtest": (
        "ES backtest (Acerbi-Szekely Z2)",
        "ES 回测（Acerbi-Szekely Z2）",
    ),
    "validate.check.var_comparator": (
        "Deep model vs best comparator (pinball loss, paired interval)",
        "深度模型与最佳比较模型（分位数损失，配对区间）",
    ),
    "validate.var.at_level": ("{check} at {confidence}", "{check}（{confidence}）"),
    "validate.threshold.zone": (
        "red zone: red; yellow zone: amber",
        "红区：红灯；黄区：黄灯",
    ),
    "validate.var.data": (
        "Validated {rows} rows ({kind}) with {breaches} breaches of the {confidence} VaR; "
        "period {period}. {source}",
        "验证了 {rows} 条样本（{kind}），{confidence} VaR 突破 {breaches} 次；期间 {period}。"
        "{source}",
    ),
    "validate.var.kind.test": ("the run's test period", "本次运行的测试期"),
    "validate.var.kind.new_data": ("new labelled data", "新的带标签数据"),
    "validate.var.source.stored": (
        "The checks read the backtests stored with the run; nothing is recomputed.",
        "各项检验读取随运行保存的回测结果，不重新计算。",
    ),
    "validate.var.source.computed": (
        "The backtests were computed on these rows, scored with the run's saved model.",
        "回测基于这些样本计算，样本由本次运行保存的模型打分。",
    ),
    "validate.tab_backtests": ("VaR / ES backtests", "VaR / ES 回测"),
    "validate.var.backtests_caption": (
        "Each VaR level pooled over all entities, then each entity (its traffic light over its "
        "last 250 rows). A breach is a forward return below the VaR.",
        "各 VaR 水平先汇总全部实体，再列出各实体（交通灯按其最近 250 个样本）。"
        "远期收益低于 VaR 即为一次突破。",
    ),
    "validate.var.pooled": ("all entities", "全部实体"),
    "validate.var.level": ("{confidence} VaR", "{confidence} VaR"),
    "validate.col.level": ("VaR level", "VaR 水平"),
    "validate.col.scope": ("Entity", "实体"),
    "validate.col.breaches": ("Breaches", "突破次数"),
    "validate.col.breach_rate": ("Breach rate", "突破率"),
    "validate.col.kupiec_p": ("Kupiec p", "Kupiec p 值"),
    "validate.col.christoffersen_p": ("Christoffersen p", "Christoffersen p 值"),
    "validate.col.conditional_coverage_p": ("Conditional coverage p", "条件覆盖 p 值"),
    "validate.col.zone": ("Traffic light", "交通灯"),
    "validate.col.exceptions": ("Exceptions (window)", "例外次数（窗口）"),
    "validate.col.es_z2": ("ES Z2", "ES Z2"),
    "validate.col.es_zone": ("Z2 zone", "Z2 区域"),
    "validate.col.es_mcneil_frey_p": ("McNeil-Frey p", "McNeil-Frey p 值"),
    "validate.var.window.all": ("all rows", "全部样本"),
    "validate.var.window.last": ("last 250", "最近 250 个"),
}

LANGUAGE_KEY = "lang_picker"  # the sidebar widget's key: its value is known before any text


def uploader_text() -> None:
    """Streamlit's file uploader writes its own English ("Upload", "200MB per file • CSV")
    and has no API to translate it: in Chinese, CSS hides those words and writes ours in
    their place (the widget's label and help stay the app's own)."""
    if language() != "zh":
        return
    limit = t("upload.limit", mb=st.get_option("server.maxUploadSize"))
    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span::after '
        f'{{content: "{limit}"; font-size: 0.8rem;}}'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p '
        "{font-size: 0;}"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after '
        f'{{content: "{t("upload.button")}"; font-size: 0.875rem;}}'
        "</style>"
    )


def language() -> str:
    return st.session_state.get(LANGUAGE_KEY) or "en"


def t(key: str, **values) -> str:
    """The text of a key in the session's language, with {placeholders} filled."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    if language() != "zh":
        return pair[0].format(**values) if values else pair[0]
    return cjk_spacing(pair[1].format(**values)) if values else pair[1]


def level_name(level: float) -> str:
    """A VaR level as every page names it: "0.01 (99% VaR)"."""
    return t("data.quantile_level", level=level_key(level), confidence=confidence(level))


def chart_labels() -> dict[str, str]:
    """Labels for riskcore.charts in the session's language."""
    prefix = "chart."
    return {k[len(prefix) :]: t(k) for k in TEXT if k.startswith(prefix)}
