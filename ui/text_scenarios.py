"""Translation table of the Scenarios page: key -> (English, 简体中文); merged into ui.i18n.TEXT."""

from __future__ import annotations

SCENARIOS_TEXT: dict[str, tuple[str, str]] = {
    "nav.scenarios": ("Scenarios", "情景分析"),
    "scen.title": ("Scenarios", "情景分析"),
    "scen.caption": (
        "Stress the active run's inputs (rates up, sentiment crash, volatility x2, a past crisis "
        "replayed) and see how the risk scores move; compare runs side by side; tune "
        "hyperparameters automatically.",
        "对当前运行的输入施加压力（利率上升、情绪崩溃、波动率翻倍、重演历史危机），观察风险分数如何变化；"
        "并排比较多次运行；自动调参。",
    ),
    "scen.tab_scenarios": ("What-if scenarios", "假设情景"),
    "scen.tab_compare": ("Compare runs", "比较运行"),
    "scen.tab_tune": ("Tune", "自动调参"),
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
    "scen.col_op": ("Operation", "操作"),
    "scen.col_op_help": (
        "add a value, multiply by a factor, or set to a value",
        "加上一个值、乘以一个系数，或设为某个值",
    ),
    "scen.col_value": ("Value", "数值"),
    "scen.col_unit": ("Unit", "单位"),
    "scen.col_unit_help": (
        "raw: the data's own units; std: training standard deviations",
        "raw：数据本身的单位；std：训练集标准差",
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
    # tuning
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
        "The best config is loaded, but this session has no data files: load them on the Data "
        "page, then upload this config there (a new file resets the column mapping).",
        "最佳配置已载入，但本会话没有数据文件：请在数据页加载文件，然后在该页上传此配置（新文件会重置列映射）。",
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
}
