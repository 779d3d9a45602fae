"""The report's words: every sentence of the PDF in English and Chinese, keyed by name.

One table, TEXTS (key -> (English, 简体中文)), so that the English and Chinese reports say the
same things; it takes in riskcore.findings' verdict and warning sentences, which the app shares.
text() picks one language and fills in the placeholders. The sections, the static figures, the
CLI and the Report page read their words here; nothing in this module reads a run.
"""

from __future__ import annotations

from riskcore.chinese import cjk_spacing
from riskcore.findings import FINDINGS_TEXT

LANGUAGES = ("en", "zh")


# ---- translation table: key -> (English, 简体中文) --------------------------------------------
TEXTS: dict[str, tuple[str, str]] = {
    **FINDINGS_TEXT,
    # section titles
    "section.summary": ("Executive summary", "执行摘要"),
    "section.data": ("Data", "数据"),
    "section.model": ("Model and configuration", "模型与配置"),
    "section.metrics": ("Performance against baselines", "模型表现与基准对比"),
    "section.charts": ("Charts", "图表"),
    "section.riskiest": ("Riskiest entities", "风险最高的实体"),
    "section.methodology": ("Methodology and limitations", "方法与局限"),
    "section.appendix": ("Appendix", "附录"),
    "section.validation": ("Validation", "模型验证"),
    "section.var": ("VaR backtesting", "VaR 回测"),  # a quantile run's "metrics" section
    # validation section (validation.json, riskcore.validation)
    "validation.overall": (
        "Overall light {light}: {red} red, {amber} amber, {green} green checks under the policy "
        "“{policy}”, on {rows} {kind} rows with {events} events ({period}); validated {created}.",
        "总体信号灯 {light}：在政策“{policy}”下红灯 {red} 项、黄灯 {amber} 项、绿灯 {green} 项；"
        "样本为 {rows} 条{kind}数据，事件 {events} 个（{period}）；验证时间 {created}。",
    ),
    "validation.overall_var": (
        "Overall light {light}: {red} red, {amber} amber, {green} green checks under the policy "
        "“{policy}”, on {rows} {kind} rows with {events} breaches of the {confidence} VaR "
        "({period}); validated {created}.",
        "总体信号灯 {light}：在政策“{policy}”下红灯 {red} 项、黄灯 {amber} 项、绿灯 {green} 项；"
        "样本为 {rows} 条{kind}数据，{confidence} VaR 突破 {events} 次（{period}）；"
        "验证时间 {created}。",
    ),
    "validation.kind.test": ("test", "测试集"),
    "validation.kind.new_data": ("out-of-time", "样本外"),
    "validation.checks": ("Checks of the policy", "政策检验"),
    "validation.none": (
        "No validation is stored with this run: open the Validate page or run "
        "`python -m riskcore validate {run}`, then build the report again.",
        "该运行尚未保存验证结果：请打开验证页或运行 `python -m riskcore validate {run}`，"
        "然后重新生成报告。",
    ),
    "validation.grades": ("Master scale and per-grade tests", "主标尺与各等级检验"),
    "validation.portfolio": ("Portfolio calibration tests", "组合校准检验"),
    "validation.skipped": ("Not run: {name} ({reason}).", "未执行：{name}（{reason}）。"),
    "validation.scale": (
        "{grades} grades ({method}, bounds from {source}); {test} test, red below p {red}, "
        "amber below p {amber}.",
        "{grades} 个等级（{method}，边界来源 {source}）；{test} 检验，p 低于 {red} 为红灯、低于 "
        "{amber} 为黄灯。",
    ),
    "validation.portfolio_line": (
        "Hosmer-Lemeshow H {hl} on {df} df (p {hl_p}); Spiegelhalter z {z} (p {z_p}); "
        "calibration slope {slope}, intercept {intercept}; mean PD {mean_pd} against an "
        "observed rate of {observed}.",
        "Hosmer-Lemeshow 统计量 {hl}，自由度 {df}（p {hl_p}）；Spiegelhalter z {z}（p {z_p}）；"
        "校准斜率 {slope}，截距 {intercept}；平均 PD {mean_pd}，实际违约率 {observed}。",
    ),
    "validation.light.green": ("green", "绿灯"),
    "validation.light.amber": ("amber", "黄灯"),
    "validation.light.red": ("red", "红灯"),
    "validation.light.none": ("no data", "无数据"),
    "validation.col.light": ("Light", "信号灯"),
    "validation.col.check": ("Check", "检验"),
    "validation.col.value": ("Value", "数值"),
    "validation.col.threshold": ("Thresholds", "阈值"),
    "validation.col.detail": ("Detail", "说明"),
    "validation.col.grade": ("Grade", "等级"),
    "validation.col.pd_range": ("PD range", "PD 区间"),
    "validation.col.n": ("Rows", "样本数"),
    "validation.col.defaults": ("Defaults", "违约数"),
    "validation.col.mean_pd": ("Mean PD", "平均 PD"),
    "validation.col.observed": ("Observed", "实际违约率"),
    "validation.col.binomial_p": ("Binomial p", "二项 p"),
    "validation.col.jeffreys_p": ("Jeffreys p", "Jeffreys p"),
    "validation.threshold.red": ("red {sign} {value}", "红灯 {sign} {value}"),
    "validation.threshold.amber": ("amber {sign} {value}", "黄灯 {sign} {value}"),
    "validation.threshold.verdict": (
        "red when a comparator is better beyond the paired 95% interval",
        "比较模型在配对 95% 区间之外更优时为红灯",
    ),
    "validation.check.test_gini": ("Test Gini of the deep model", "深度模型测试集 Gini"),
    "validation.check.comparator": (
        "Deep model vs best comparator (paired)",
        "深度模型与最佳比较模型（配对）",
    ),
    "validation.check.grades": ("Per-grade calibration", "各等级校准"),
    "validation.check.hosmer_lemeshow": ("Hosmer-Lemeshow p-value", "Hosmer-Lemeshow p 值"),
    "validation.check.spiegelhalter": ("Spiegelhalter p-value", "Spiegelhalter p 值"),
    "validation.check.discrimination": (
        "Periods with ROC-AUC below the whole test",
        "ROC-AUC 低于整体测试值的期数",
    ),
    "validation.check.score_psi": ("PSI of the score", "评分 PSI"),
    "validation.check.input_psi": ("Largest PSI of an input", "输入变量最大 PSI"),
    "validation.check.adverse_impact": ("Adverse-impact shortfall", "不利影响差距"),
    "validation.check.var_traffic_light": ("Basel traffic light", "巴塞尔红绿灯"),
    "validation.check.var_kupiec": ("Kupiec p-value", "Kupiec p 值"),
    "validation.check.var_independence": ("Christoffersen p-value", "Christoffersen p 值"),
    "validation.check.var_conditional_coverage": ("Conditional-coverage p-value", "条件覆盖 p 值"),
    "validation.check.es_backtest": ("ES backtest (Z2)", "ES 回测（Z2）"),
    "validation.check.var_comparator": (
        "Deep model vs best VaR comparator (pinball, paired)",
        "深度模型与最佳 VaR 比较模型（分位数损失，配对）",
    ),
    "validation.check.at_level": ("{name} at {confidence}", "{name}（{confidence}）"),
    "validation.threshold.zone": (
        "red zone: red; yellow zone: amber",
        "红区：红灯；黄区：黄灯",
    ),
    # model documentation (.docx, riskcore.report.word)
    "doc.title": ("Model documentation", "模型文档"),
    "doc.subject": ("Model documentation for validation", "供模型验证使用的模型文档"),
    "doc.placeholder": ("[to be completed: {what}]", "[待填写：{what}]"),
    "doc.todo.owner": ("model owner, name and function", "模型负责人姓名及部门"),
    "doc.todo.developer": ("model developer", "模型开发人员"),
    "doc.todo.validator": ("independent validator", "独立验证人员"),
    "doc.todo.version": ("document version", "文档版本"),
    "doc.todo.status": ("draft / in validation / approved", "草稿 / 验证中 / 已批准"),
    "doc.todo.intended_use": (
        "intended use: the decisions the scores support, the portfolio and the products",
        "预期用途：评分支持的决策、适用的资产组合与产品",
    ),
    "doc.todo.users": ("who uses the scores, and how", "评分的使用者及使用方式"),
    "doc.todo.out_of_scope": ("uses that are out of scope", "不适用的用途"),
    "doc.todo.source_systems": (
        "source systems, extraction dates and data owners",
        "源系统、数据提取日期及数据负责人",
    ),
    "doc.todo.rationale": (
        "why this approach was chosen over the alternatives",
        "选择该方法而非其他方案的理由",
    ),
    "doc.todo.validation": (
        "validation results (run `python -m riskcore validate RUN` or the Validate page)",
        "验证结果（运行 `python -m riskcore validate RUN` 或使用验证页）",
    ),
    "doc.todo.findings": (
        "the validator's findings, their severity and the remediation agreed",
        "验证发现、严重程度及约定的整改措施",
    ),
    "doc.todo.limitations": (
        "further limitations and compensating controls",
        "其他局限及补偿性控制措施",
    ),
    "doc.todo.frequency": (
        "monitoring frequency, owner and escalation route",
        "监测频率、负责人及上报路径",
    ),
    "doc.todo.decision": ("approval decision", "审批结论"),
    "doc.todo.approver": ("approver, name and committee", "审批人姓名及委员会"),
    "doc.todo.date": ("approval date", "审批日期"),
    "doc.todo.conditions": ("conditions of use", "使用条件"),
    "doc.control": ("Document control", "文档控制"),
    "doc.kv.run_name": ("Run name", "运行名称"),
    "doc.kv.run_id": ("Run ID", "运行编号"),
    "doc.kv.created": ("Run created", "运行创建时间"),
    "doc.kv.generated": ("Document generated", "文档生成时间"),
    "doc.kv.owner": ("Model owner", "模型负责人"),
    "doc.kv.developer": ("Developer", "开发人员"),
    "doc.kv.validator": ("Validator", "验证人员"),
    "doc.kv.version": ("Version", "版本"),
    "doc.kv.status": ("Status", "状态"),
    "doc.kv.decision": ("Decision", "结论"),
    "doc.kv.approver": ("Approver", "审批人"),
    "doc.kv.date": ("Date", "日期"),
    "doc.kv.conditions": ("Conditions", "条件"),
    "doc.col.item": ("Item", "项目"),
    "doc.col.value": ("Value", "内容"),
    "doc.col.scenario": ("Scenario", "情景"),
    "doc.col.base": ("Base score", "基准评分"),
    "doc.col.stressed": ("Stressed score", "压力评分"),
    "doc.col.delta": ("Change", "变化"),
    "doc.purpose": ("1 Purpose and use", "1 目的与用途"),
    "doc.purpose_text": (
        "The model estimates: {task}. It was trained and is documented with RiskLens.",
        "模型估计：{task}。模型由 RiskLens 训练并生成本文档。",
    ),
    "doc.intended_use": ("Intended use", "预期用途"),
    "doc.users": ("Users", "使用者"),
    "doc.out_of_scope": ("Out of scope", "不适用范围"),
    "doc.data": ("2 Data and its lineage", "2 数据及其来源"),
    "doc.data_text": (
        "{rows} rows of {entities} entities; target: {target}.",
        "{entities} 个实体共 {rows} 行数据；目标：{target}。",
    ),
    "doc.lineage": ("Input files and their SHA-256 hashes", "输入文件及其 SHA-256 校验值"),
    "doc.lineage_text": (
        "The hashes are those recorded in the run's meta.json when it was trained; a file "
        "with the same hash is the same data.",
        "校验值取自训练时记录在运行 meta.json 中的值；校验值相同即数据相同。",
    ),
    "doc.splits": ("Development, validation and test samples", "开发、验证与测试样本"),
    "doc.methodology": ("3 Methodology", "3 方法"),
    "doc.rationale": ("Rationale", "方法选择理由"),
    "doc.model": ("4 The model and its settings", "4 模型及其设置"),
    "doc.settings": ("Settings", "设置"),
    "doc.performance": ("5 Performance against the comparators", "5 与比较模型的表现对比"),
    "doc.performance_text": (
        "Test split ({n} predictions), 95% intervals in brackets; every comparator was trained "
        "on the same split.",
        "测试集（{n} 条预测），括号内为 95% 区间；所有比较模型均在相同划分上训练。",
    ),
    "doc.verdict": ("Verdict", "结论"),
    "doc.validation": ("6 Validation results", "6 验证结果"),
    "doc.validation_text": (
        "Overall light {light}: {red} red, {amber} amber, {green} green under the policy "
        "“{policy}” (validated {created}).",
        "总体信号灯 {light}：在政策“{policy}”下红灯 {red} 项、黄灯 {amber} 项、绿灯 {green} 项"
        "（验证时间 {created}）。",
    ),
    "doc.no_validation": (
        "No validation is stored with this run.",
        "该运行尚未保存验证结果。",
    ),
    "doc.findings": ("Validator's findings", "验证发现"),
    "doc.explanations": ("7 Explanations", "7 模型解释"),
    "doc.no_explanations": (
        "No SHAP explanations are stored with this run (Explain page or `python -m riskcore "
        "explain`).",
        "该运行尚未保存 SHAP 解释（解释页或 `python -m riskcore explain`）。",
    ),
    "doc.scenarios": ("8 Stress scenarios", "8 压力情景"),
    "doc.no_scenarios": (
        "No stress scenarios are stored with this run (Scenarios page or `python -m riskcore "
        "scenario`).",
        "该运行尚未保存压力情景（情景页或 `python -m riskcore scenario`）。",
    ),
    "doc.limitations": ("9 Limitations", "9 局限"),
    "doc.monitoring": ("10 Monitoring plan", "10 监测计划"),
    "doc.monitor.psi": (
        "Score drift: PSI of the score against training, amber above {amber}, red above {red}.",
        "评分漂移：评分相对训练集的 PSI，高于 {amber} 为黄灯，高于 {red} 为红灯。",
    ),
    "doc.monitor.gate": (
        "Gate: `python -m riskcore validate {run} --data NEW.csv` on each new period with "
        "outcomes; exit code 3 (a red check) stops the model's use until reviewed.",
        "门控：每个有结果的新期间运行 `python -m riskcore validate {run} --data NEW.csv`；"
        "退出码 3（有红灯）即暂停使用模型，待复核。",
    ),
    "doc.monitor.watch": (
        "Scoring and drift alerts: `python -m riskcore watch FOLDER --run {run}` (Monitor page).",
        "评分与漂移预警：`python -m riskcore watch FOLDER --run {run}`（监测页）。",
    ),
    "doc.monitor.frequency": ("Frequency and responsibilities", "频率与职责"),
    "doc.approval": ("11 Approval", "11 审批"),
    # cover, header, footer
    "cover.kind": ("Model risk report", "模型风险报告"),
    "cover.title": ("Risk report", "风险报告"),  # the title when the analyst gives none
    "cover.run_name": ("Run name", "运行名称"),
    "cover.run_id": ("Run ID", "运行编号"),
    "cover.created": ("Run created", "运行创建时间"),
    "cover.generated": ("Report generated", "报告生成时间"),
    "cover.data": ("Input data", "输入数据"),
    "cover.task": ("Task and target", "任务与目标"),
    "cover.test_period": ("Test period", "测试期"),
    "cover.notes": ("Analyst notes", "分析师备注"),
    "cover.contents": ("Contents", "目录"),
    "cover.disclaimer": (
        "Scores are model estimates, not certainties. Read them together with the limitations "
        "set out in the methodology section.",
        "评分是模型估计，并非确定结论。请结合“方法与局限”一节所述的局限阅读。",
    ),
    "footer.generated": ("Generated by RiskLens on {date}", "由 RiskLens 于 {date} 生成"),
    "footer.page": ("Page {page} of {pages}", "第 {page} 页，共 {pages} 页"),
    "task.classification": ("Classification", "分类"),
    "task.regression": ("Regression", "回归"),
    "task.quantile": ("Quantile (VaR / ES)", "分位数（VaR / ES）"),
    "target.forward_return": (
        "{horizon}-step forward log return of “{column}”: VaR and expected shortfall at {levels}",
        "“{column}”未来 {horizon} 步对数收益率：{levels} 水平的 VaR 与预期损失（ES）",
    ),
    "target.column": ("event column “{column}”", "事件列“{column}”"),
    "target.drawdown": (
        "drawdown of “{column}” of {threshold} or more within {horizon} steps",
        "{horizon} 步内“{column}”回撤达到 {threshold} 及以上",
    ),
    "target.tail_loss": (
        "{horizon}-step return of “{column}” below its {quantile} training quantile",
        "“{column}”的 {horizon} 步收益低于训练期 {quantile} 分位数",
    ),
    "target.forward_volatility": (
        "volatility of “{column}” over the next {horizon} steps",
        "未来 {horizon} 步“{column}”的波动率",
    ),
    # executive summary
    "kpi.level": ("Average score, latest date", "最新日期平均评分"),
    "kpi.level_test": ("Average score, test split", "测试集平均评分"),
    "kpi.high_test": ("Test predictions high or very high", "高或极高风险的测试预测"),
    "kpi.trend": ("Change vs one horizon earlier", "较一个预测期前变化"),
    "kpi.high": ("Entities high or very high", "高或极高风险实体"),
    "kpi.metric": ("Test {metric} (95% interval)", "测试集 {metric}（95% 区间）"),
    "summary.level": (
        "At the latest date, {date}, the average risk score is {value} ({band} band); {high} of "
        "{total} entities are in the high or very high band.",
        "在最新日期 {date}，平均风险评分为 {value}（{band}风险档）；{total} 个实体中有 {high} "
        "个处于高或极高风险档。",
    ),
    "summary.up": (
        "The average is up {change} from {date}, one horizon ({horizon} steps) earlier.",
        "较一个预测期（{horizon} 步）之前的 {date} 上升 {change}。",
    ),
    "summary.down": (
        "The average is down {change} from {date}, one horizon ({horizon} steps) earlier.",
        "较一个预测期（{horizon} 步）之前的 {date} 下降 {change}。",
    ),
    "summary.flat": (
        "The average is about unchanged ({change}) from {date}, one horizon ({horizon} steps) "
        "earlier.",
        "与一个预测期（{horizon} 步）之前的 {date} 基本持平（{change}）。",
    ),
    "summary.riskiest": (
        "Riskiest entities at their latest prediction: {items}.",
        "按最新预测，风险最高的实体：{items}。",
    ),
    "summary.riskiest_static": (
        "Riskiest test predictions: {items}.",
        "测试集中风险最高的预测：{items}。",
    ),
    "summary.drivers": (
        "Main drivers across the {n} explained predictions (mean |SHAP|): {items}.",
        "在已解释的 {n} 条预测中，主要驱动因素（平均 |SHAP|）为：{items}。",
    ),
    "summary.no_drivers": (
        "No SHAP explanations are stored with this run; compute them on the Explain page to "
        "see the drivers.",
        "本次运行没有保存 SHAP 解释；可在“解释”页面计算以查看驱动因素。",
    ),
    "summary.scenario": (
        "Scenario “{name}” moves the average score by {delta} ({base} → {stressed}); the "
        "largest move is {entity} ({entity_delta}).",
        "情景“{name}”使平均评分变动 {delta}（{base} → {stressed}）；变动最大的是 {entity}"
        "（{entity_delta}）。",
    ),
    "summary.no_scenarios": ("No stress scenarios were run.", "尚未运行压力情景。"),
    "summary.series": ("the series", "该序列"),
    "summary.row": ("row {row}", "第 {row} 行"),
    "summary.item": ("{name} ({value})", "{name}（{value}）"),
    "summary.driver": ("{feature} ({modality}, {share})", "{feature}（{modality}，{share}）"),
    "list.sep": (", ", "、"),
    "warning.strongest_input": (
        "The strongest single input on validation is {input} (ROC-AUC {auc}).",
        "验证集上最强的单一输入为 {input}（ROC-AUC {auc}）。",
    ),
    "summary.warnings": ("Read before relying on these results", "采用结果前请先阅读"),
    # bands, splits, models, modalities
    "band.low": ("low", "低"),
    "band.medium": ("medium", "中"),
    "band.high": ("high", "高"),
    "band.very high": ("very high", "极高"),
    "split.train": ("Training", "训练集"),
    "split.validation": ("Validation", "验证集"),
    "split.test": ("Test", "测试集"),
    "model.model": ("Deep model", "深度模型"),
    "model.logistic": ("Logistic regression", "逻辑回归"),
    "model.gbm": ("Gradient boosting", "梯度提升"),
    "modality.sequence": ("sequence", "序列"),
    "modality.macro": ("macro", "宏观"),
    "modality.sentiment": ("sentiment", "新闻情绪"),
    "modality.static": ("static", "静态"),
    "role.primary": ("Primary", "主数据"),
    "role.macro": ("Macro", "宏观"),
    "role.sentiment": ("Sentiment", "新闻情绪"),
    # data
    "data.files": ("Input files", "输入文件"),
    "data.no_files": ("The run did not record its input files.", "本次运行未记录输入文件。"),
    "data.panel": (
        "{entities} entities and {rows} rows. Each prediction sees the last {window} steps and "
        "looks {horizon} steps ahead. Target: {target}. Inputs: {features}.",
        "共 {entities} 个实体、{rows} 行。每条预测使用最近 {window} 步数据，预测未来 {horizon} "
        "步。目标：{target}。输入：{features}。",
    ),
    "data.panel_static": (
        "{rows} rows without a time order, one prediction each. Target: {target}. Inputs: "
        "{features}.",
        "共 {rows} 行，无时间顺序，每行一条预测。目标：{target}。输入：{features}。",
    ),
    "data.feature_count": ("{n} {block}", "{block} {n} 个"),
    "data.splits": ("Chronological split", "按时间顺序划分"),
    "data.splits_static": ("Stratified random split", "分层随机划分"),
    "data.cuts": (
        "One calendar cut for all entities: validation from {validation}, test from {test}. "
        "The {horizon} steps before each cut are dropped (embargo).",
        "所有实体使用同一日历切分：验证集自 {validation} 起，测试集自 {test} 起。每个切分点前 "
        "{horizon} 步的样本被剔除（隔离期）。",
    ),
    "data.warnings": ("Data warnings", "数据警告"),
    "data.no_warnings": (
        "No data warnings were recorded when the files were read.",
        "读取文件时未记录数据警告。",
    ),
    "col.role": ("Role", "角色"),
    "col.file": ("File", "文件"),
    "col.rows": ("Rows", "行数"),
    "col.size": ("Size", "大小"),
    "col.sha256": ("SHA-256", "SHA-256 校验值"),
    "col.split": ("Split", "数据集"),
    "col.samples": ("Samples", "样本数"),
    "col.from": ("From", "起"),
    "col.to": ("To", "止"),
    "col.event_rate": ("Event rate", "事件率"),
    # model
    "model.architecture": ("Architecture", "模型结构"),
    "model.sequence_tower": (
        "Sequence tower: {layers} → Dense({dense}, ReLU).",
        "序列塔：{layers} → Dense({dense}, ReLU)。",
    ),
    "model.towers": (
        "Towers for {blocks}: Dense({units}, ReLU) each.",
        "{blocks}塔：各一层 Dense({units}, ReLU)。",
    ),
    "model.head": (
        "Head: concatenate → Dense(1, {activation}).",
        "输出：拼接 → Dense(1, {activation})。",
    ),
    "model.training": ("Training", "训练"),
    "model.run": ("Run", "运行"),
    "kv.parameters": ("Parameters", "参数量"),
    "kv.device": ("Device", "设备"),
    "kv.mixed_precision": ("Mixed precision", "混合精度"),
    "kv.epochs": ("Epochs run / maximum", "实际轮数 / 上限"),
    "kv.patience": ("Early-stopping patience", "早停耐心"),
    "kv.batch_size": ("Batch size", "批大小"),
    "kv.learning_rate": ("Learning rate", "学习率"),
    "kv.loss": ("Loss", "损失函数"),
    "kv.class_weight": ("Class weights", "类别权重"),
    "kv.dropout": ("Dropout", "Dropout 比例"),
    "kv.regularisation": ("L1 / L2", "L1 / L2 正则"),
    "kv.batch_norm": ("Batch normalisation", "批归一化"),
    "kv.attention": ("Attention pooling", "注意力池化"),
    "kv.seed": ("Seed", "随机种子"),
    "kv.prepare_s": ("Data preparation", "数据准备"),
    "kv.fit_s": ("Training (model and baselines)", "训练（模型与基准）"),
    "kv.total_s": ("Total", "总计"),
    "value.yes": ("yes", "是"),
    "value.no": ("no", "否"),
    "value.none": ("none", "无"),
    "value.seconds": ("{s} s", "{s} 秒"),
    "value.points": ("{v} pp", "{v} 个百分点"),
    # metrics
    "col.metric": ("Metric", "指标"),
    "metric.pr_auc": ("PR-AUC", "PR-AUC"),
    "metric.ks": ("KS", "KS 统计量"),
    "metric.gini": ("Gini", "基尼系数"),
    "metric.brier": ("Brier score", "Brier 分数"),
    "metric.log_loss": ("Log loss", "对数损失"),
    "metric.mae": ("MAE", "平均绝对误差 MAE"),
    "metric.r2": ("R²", "决定系数 R²"),
    "metric.validation_auc": ("ROC-AUC, validation", "ROC-AUC（验证集）"),
    "metric.ece": ("ECE (expected calibration error)", "期望校准误差 ECE"),
    "metric.calibration_slope": ("Calibration slope (1 = calibrated)", "校准斜率（1 为已校准）"),
    "metric.calibration_intercept": (
        "Calibration intercept (0 = calibrated)",
        "校准截距（0 为已校准）",
    ),
    "metrics.paired": (
        "Deep model minus this model, {metric} (paired 95% interval)",
        "深度模型减该模型的 {metric}（配对 95% 区间）",
    ),
    "metrics.note": (
        "Test period, {n} predictions. Each cell holds the point estimate and, below it, the "
        "95% interval ({intervals}). The best point estimate is in bold.",
        "测试期共 {n} 条预测。每格为点估计，下方为 95% 区间（{intervals}）。最佳点估计以粗体显示。",
    ),
    "interval.block": (
        "block bootstrap over dates, blocks of {block} dates, {n_boot} resamples",
        "按日期分块自助法，每块 {block} 个日期，{n_boot} 次重抽样",
    ),
    "interval.row": ("row bootstrap, {n_boot} resamples", "按行自助法，{n_boot} 次重抽样"),
    "interval.unknown": ("bootstrap of the test predictions", "测试集预测的自助法"),
    "calibration.platt": ("Platt scaling", "Platt 缩放"),
    "calibration.isotonic": ("isotonic regression", "保序回归"),
    "metrics.calibrated": (
        "Brier score, log loss, ECE and the calibration slope and intercept are those of the "
        "calibrated probabilities ({method} fitted on the validation split); ROC-AUC, PR-AUC, "
        "KS and Gini rank the raw scores, which calibration does not change. Calibration takes "
        "the deep model's ECE from {raw} (raw scores) to {calibrated}.",
        "Brier 分数、对数损失、ECE 以及校准斜率与截距均基于校准后的概率"
        "（{method}，在验证集上拟合）；ROC-AUC、PR-AUC、KS 与基尼系数按原始分数排序计算，"
        "校准不会改变它们。校准使深度模型的 ECE 从 {raw}（原始分数）变为 {calibrated}。",
    ),
    "metrics.uncalibrated": (
        "This run predates calibration: its scores, Brier score and log loss are those of the "
        "raw model outputs.",
        "本次运行早于校准功能：其评分、Brier 分数与对数损失均基于模型的原始输出。",
    ),
    "metrics.threshold": (
        "Decisions at threshold {threshold} (test period)",
        "阈值 {threshold} 下的决策（测试期）",
    ),
    "col.model": ("Model", "模型"),
    "col.precision": ("Precision", "精确率"),
    "col.recall": ("Recall", "召回率"),
    "col.f1": ("F1", "F1 值"),
    "col.flagged": ("Flagged", "预警占比"),
    "col.tp": ("TP", "真阳性"),
    "col.fp": ("FP", "假阳性"),
    "col.fn": ("FN", "假阴性"),
    "col.tn": ("TN", "真阴性"),
    "metrics.walk_forward": (
        "Walk-forward validation, {metric} over {folds} folds (mean ± sd)",
        "滚动前推验证：{folds} 折 {metric}（均值 ± 标准差）",
    ),
    # charts
    "chart.roc": ("ROC curve, test", "ROC 曲线（测试集）"),
    "chart.fpr": ("False positive rate", "假阳性率"),
    "chart.tpr": ("True positive rate", "真阳性率"),
    "chart.chance": ("Chance", "随机"),
    "chart.calibration": ("Calibration, test", "校准（测试集）"),
    "chart.mean_score": ("Mean predicted probability", "平均预测概率"),
    "chart.observed": ("Observed event rate", "实际事件率"),
    "chart.perfect": ("Perfect calibration", "完全校准"),
    "chart.calibrated": ("{model}, calibrated", "{model}（校准后）"),
    "chart.raw": ("{model}, raw score", "{model}（原始分数）"),
    "chart.distribution": ("Score distribution, test", "评分分布（测试集）"),
    "chart.score": ("Score", "评分"),
    "chart.share": ("Share of predictions", "预测占比"),
    "chart.events": ("Events", "发生事件"),
    "chart.non_events": ("Non-events", "未发生事件"),
    "chart.timeline": ("Risk timeline of the riskiest entities", "风险最高实体的风险走势"),
    "chart.importance": ("Mean |SHAP| by feature", "各特征平均 |SHAP|"),
    "chart.mean_abs_shap": ("Mean |SHAP| (effect on the score)", "平均 |SHAP|（对评分的影响）"),
    "chart.scenarios": ("Average score by scenario", "各情景平均评分"),
    "chart.base": ("Base", "基准"),
    "chart.stressed": ("Scenario", "情景"),
    "chart.deltas": ("Change in score per prediction", "每条预测的评分变化"),
    "chart.delta": ("Change in score", "评分变化"),
    "chart.pred_actual": ("Predicted vs actual, test", "预测值与实际值（测试集）"),
    "chart.predicted": ("Predicted", "预测值"),
    "chart.actual": ("Actual", "实际值"),
    "caption.figure": ("Figure {n}. {text}", "图 {n}. {text}"),
    "caption.roc": (
        "Discrimination and calibration on the test period. A curve above the diagonal ranks "
        "events above non-events; calibration points on the diagonal mean the scores can be "
        "read as probabilities.",
        "测试期的区分能力与校准。曲线位于对角线上方说明模型把事件排在非事件之前；校准点落在对角线"
        "上说明评分可直接理解为概率。",
    ),
    "caption.roc_calibrated": (
        "Discrimination and calibration on the test period. ROC curves rank the raw scores; a "
        "curve above the diagonal ranks events above non-events. The calibration panel shows "
        "the deep model's raw scores (dashed) and its calibrated probabilities (solid) against "
        "the observed event rate; points on the diagonal mean the scores can be read as "
        "probabilities.",
        "测试期的区分能力与校准。ROC 曲线按原始分数排序；曲线位于对角线上方说明模型把事件排在非事件"
        "之前。校准图对比深度模型的原始分数（虚线）与校准后概率（实线）和实际事件率；点落在对角线上"
        "说明评分可直接理解为概率。",
    ),
    "caption.pred_actual": (
        "Predictions against outcomes on the test period and the spread of all scores.",
        "测试期预测值与实际值对比，以及全部评分的分布。",
    ),
    "caption.distribution": (
        "Test scores of events and non-events, with the risk band cut points; the less the two "
        "overlap, the better the separation.",
        "测试期事件与非事件的评分分布及风险档分界点；两者重叠越少，区分越好。",
    ),
    "caption.timeline": (
        "Scores over time of the riskiest entities; shading marks the validation and test "
        "periods, dotted lines the band cut points.",
        "风险最高实体的评分走势；阴影标出验证期与测试期，虚线为风险档分界点。",
    ),
    "caption.importance": (
        "Average absolute SHAP contribution of each feature (summed over the window), coloured "
        "by input type.",
        "各特征的平均绝对 SHAP 贡献（窗口内求和），按输入类型着色。",
    ),
    "caption.scenarios": (
        "Average score without and with each stress scenario, and the spread of the change per "
        "prediction.",
        "各压力情景下与基准的平均评分对比，以及每条预测评分变化的分布。",
    ),
    # quantile (VaR / ES) runs: summary, VaR backtesting section, charts, methodology
    "kpi.var_level": ("Average {confidence} VaR, latest date", "最新日期平均 {confidence} VaR"),
    "kpi.var_level_test": ("Average {confidence} VaR, test split", "测试集平均 {confidence} VaR"),
    "kpi.zone": (
        "Basel zone, {confidence} VaR, pooled: {breaches} / {n} test breaches",
        "{confidence} VaR 巴塞尔区域（汇总）：测试期突破 {breaches} / {n} 次",
    ),
    "summary.var_level": (
        "At the latest date, {date}, the deep model's average {confidence} VaR is {value} and "
        "its expected shortfall {es}: the {horizon}-step return it expects to fall below with "
        "probability {level}, and the average return beyond it. {high} of {total} entities are "
        "in the high or very high band.",
        "在最新日期 {date}，深度模型的平均 {confidence} VaR 为 {value}，预期损失（ES）为 {es}："
        "即模型预计未来 {horizon} 步收益率以 {level} 的概率低于该值，以及低于该值时的平均收益率。"
        "{total} 个实体中有 {high} 个处于高或极高风险档。",
    ),
    "summary.var_deeper": (
        "The average VaR is {change} deeper (more risk) than on {date}, one horizon ({horizon} "
        "steps) earlier.",
        "平均 VaR 较一个预测期（{horizon} 步）之前的 {date} 加深 {change}（风险上升）。",
    ),
    "summary.var_shallower": (
        "The average VaR is {change} shallower (less risk) than on {date}, one horizon "
        "({horizon} steps) earlier.",
        "平均 VaR 较一个预测期（{horizon} 步）之前的 {date} 收窄 {change}（风险下降）。",
    ),
    "summary.backtest": (
        "Backtest of the {confidence} VaR on the test period: {breaches} breaches in {n} "
        "predictions ({rate} against {level}), Kupiec p {kupiec}, Christoffersen p "
        "{christoffersen}; Basel zone {zone} pooled, and over each entity's last 250 rows "
        "{green} green, {yellow} yellow, {red} red.",
        "测试期 {confidence} VaR 回测：{n} 条预测中突破 {breaches} 次（突破率 {rate}，水平 "
        "{level}），Kupiec p {kupiec}，Christoffersen p {christoffersen}；汇总巴塞尔区域为"
        "{zone}，按各实体最近 250 个样本计：绿区 {green} 个、黄区 {yellow} 个、红区 {red} 个。",
    ),
    "var.confidence": ("{confidence} VaR (level {level})", "{confidence} VaR（水平 {level}）"),
    "var.note": (
        "Test period, {n} predictions of {entities} entities. VaR and ES are {horizon}-step "
        "forward log returns; a breach is a realised return below the VaR. Pinball loss is in "
        "basis points (1 bp = 0.0001), lower is better; each cell holds the point estimate and, "
        "below it, the 95% interval ({intervals}). The best point estimate is in bold.",
        "测试期，{entities} 个实体共 {n} 条预测。VaR 与 ES 均为未来 {horizon} 步对数收益率；"
        "实际收益率低于 VaR 即为一次突破。分位数损失（pinball）以基点计（1 基点 = 0.0001），"
        "越低越好；"
        "每格为点估计，下方为 95% 区间（{intervals}）。最佳点估计以粗体显示。",
    ),
    "var.pinball": ("Pinball loss by model", "各模型分位数损失"),
    "var.col.pinball": ("Pinball (bp), all levels", "Pinball（基点），全部水平"),
    "var.col.pinball_level": ("Pinball (bp), {level}", "Pinball（基点），{level}"),
    "var.col.paired": (
        "Comparator minus deep model (bp), paired",
        "比较模型减深度模型（基点，配对）",
    ),
    "var.col.breaches": ("Breaches / n", "突破 / 样本"),
    "var.col.rate": ("Breach rate (95% interval)", "突破率（95% 区间）"),
    "var.col.rate_only": ("Breach rate", "突破率"),
    "var.col.kupiec": ("Kupiec p", "Kupiec p"),
    "var.col.christoffersen": ("Christoffersen p", "Christoffersen p"),
    "var.col.cc": ("Cond. coverage p", "条件覆盖 p"),
    "var.col.zone": ("Basel zone", "巴塞尔区域"),
    "var.col.z2": ("ES Z2 (zone)", "ES Z2（区域）"),
    "var.col.mcneil_frey": ("McNeil-Frey p", "McNeil-Frey p"),
    "var.col.exceptions": ("Exceptions / 250", "例外 / 250"),
    "var.col.plus": ("Plus factor", "附加因子"),
    "var.level_note": (
        "Breach rate against the level {level}: Kupiec tests the rate, Christoffersen the "
        "independence of breaches, conditional coverage both; small p-values reject the VaR. "
        "The pooled Basel zone applies the binomial rule to all test rows of all entities and is "
        "a guide only; the regulatory zone is each entity's, over its last 250 rows.",
        "突破率与水平 {level} 对比：Kupiec 检验突破率，Christoffersen 检验突破的独立性，"
        "条件覆盖检验二者；p 值越小越拒绝该 VaR。汇总巴塞尔区域对全部实体的全部测试样本应用"
        "二项规则，"
        "仅供参考；监管意义上的区域按各实体最近 250 个样本计算。",
    ),
    "var.entities": (
        "Deep model per entity, {confidence} VaR, Basel window of the last 250 test rows",
        "深度模型各实体 {confidence} VaR，巴塞尔窗口为最近 250 个测试样本",
    ),
    "var.entities_note": (
        "Basel traffic light over each entity's last {window} test rows: {green} green, "
        "{yellow} yellow, {red} red; the plus factor is the Basel multiplier add-on (99% VaR over "
        "250 rows only). Breaches and the p-values use all of the entity's test rows.",
        "按各实体最近 {window} 个测试样本计算的巴塞尔信号灯：绿区 {green} 个、黄区 {yellow} 个、"
        "红区 {red} 个；附加因子为巴塞尔乘数附加值（仅适用于 250 个样本的 99% VaR）。"
        "突破次数与 p 值使用该实体的全部测试样本。",
    ),
    "var.zone.green": ("green", "绿区"),
    "var.zone.yellow": ("yellow", "黄区"),
    "var.zone.red": ("red", "红区"),
    "var.zone.none": ("n/a", "无"),
    "var.none": (
        "This run's metrics.json holds no VaR backtests; train it again to get them.",
        "该运行的 metrics.json 中没有 VaR 回测结果；请重新训练以生成。",
    ),
    "chart.var_title": (
        "Forward returns and the deep model's VaR: {entity}",
        "远期收益率与深度模型 VaR：{entity}",
    ),
    "chart.return": ("Forward return", "远期收益率"),
    "chart.realised": ("Realised return", "实际收益率"),
    "chart.var_line": ("VaR {level}", "VaR {level}"),
    "chart.es_line": ("ES {level}", "ES {level}"),
    "chart.breach": ("Breach of VaR {level} ({n})", "突破 VaR {level}（{n} 次）"),
    "chart.breach_rates": (
        "Breach rate at {level}, 95% interval",
        "{level} 水平突破率（95% 区间）",
    ),
    "chart.breach_rate": ("Breach rate", "突破率"),
    "chart.var": ("VaR", "VaR"),
    "caption.var_backtest": (
        "Test-period forward returns of {entity}, the entity with the most exceptions at the "
        "{confidence} VaR over its last 250 rows ({exceptions}, zone {zone}), with the deep "
        "model's VaR at each level (solid) and its ES at the {confidence} level (dashed); red "
        "crosses mark breaches of the {confidence} VaR.",
        "{entity} 测试期远期收益率（该实体最近 250 个样本中 {confidence} VaR 例外次数最多："
        "{exceptions} 次，{zone}），以及深度模型各水平的 VaR（实线）和 {confidence} 水平的 ES"
        "（虚线）；红色叉号为 {confidence} VaR 的突破。",
    ),
    "caption.breach_rates": (
        "Breach rate of every model at each level with its 95% interval; the dashed line is the "
        "level. A bar above it is a VaR that misses the tail, one below it a VaR that overstates "
        "the risk.",
        "各模型在各水平上的突破率及其 95% 区间；虚线为水平本身。高于虚线说明 VaR 低估尾部风险，"
        "低于虚线说明 VaR 高估风险。",
    ),
    "caption.timeline_var": (
        "The deep model's {confidence} VaR over time of the entities with the deepest VaR at "
        "the latest date; shading marks the validation and test periods, dotted lines the band "
        "cut points.",
        "最新日期 VaR 最深实体的深度模型 {confidence} VaR 走势；阴影标出验证期与测试期，"
        "虚线为风险档分界点。",
    ),
    "col.var": ("VaR {confidence}", "VaR {confidence}"),
    "col.es": ("ES {confidence}", "ES {confidence}"),
    "col.return": ("Realised return", "实际收益率"),
    "col.return_sd": ("Return s.d.", "收益率标准差"),
    "outcome.breach": ("{value}, breach", "{value}，突破"),
    "riskiest.note_var": (
        "Latest prediction of each entity, deepest {confidence} VaR first. Change: against the "
        "same entity one horizon ({horizon} steps) earlier; negative is more risk. Realised "
        "return: the forward return, where known, and whether it breached the VaR.",
        "各实体的最新预测，按 {confidence} VaR 由深到浅排列。变化：与同一实体一个预测期（{horizon} "
        "步）之前相比，负值表示风险上升。实际收益率：已知时的远期收益率，以及是否突破 VaR。",
    ),
    "model.head_quantile": (
        "Head: concatenate → Dense({n}, linear): {n} return quantiles, highest first, each a "
        "softplus step below the previous, so no two cross; VaR at {levels}, ES the mean of "
        "{fine} finer quantiles of each tail; pinball (quantile) loss.",
        "输出：拼接 → Dense({n}, linear)：{n} 个收益率分位数，从高到低，每个比前一个低一个 "
        "softplus 步长，因此互不交叉；VaR 水平为 {levels}，ES 为每个尾部 {fine} 个更细分位数的"
        "均值；"
        "损失函数为分位数（pinball）损失。",
    ),
    "method.baselines_var": (
        "Honest comparators, on the same split and the same test rows. Historical simulation: "
        "the empirical quantile and ES of each entity's last 250 returns. GARCH(1,1) with "
        "Student-t innovations (arch), fitted per entity on its training returns and rolled "
        "forward with fixed parameters. Filtered historical simulation: that GARCH's "
        "volatility forecast times the empirical quantiles of its standardised residuals. "
        "Gradient boosting (scikit-learn HistGradientBoosting) with the quantile loss on "
        "summaries of the same windows.",
        "诚实的比较模型，使用相同划分与相同测试样本。历史模拟法：各实体最近 250 个收益率的经验"
        "分位数与 ES。GARCH(1,1)-t（arch）：按实体在训练期收益率上拟合，以固定参数向前滚动。过滤"
        "历史模拟法：该 GARCH 的波动率预测乘以其标准化残差的经验分位数。梯度提升（scikit-learn "
        "HistGradientBoosting）：在相同窗口的汇总特征上以分位数损失训练。",
    ),
    "method.var": (
        "VaR and ES. The network predicts the forward return's quantile at each level and at "
        "{fine} finer levels inside each tail, with outputs that cannot cross, trained on the "
        "pinball (quantile) loss; ES is the mean of the finer quantiles below each level. VaR "
        "and ES are returns: a 99% VaR of -3% says the return falls below -3% with probability "
        "1%.",
        "VaR 与 ES。网络预测远期收益率在各水平及每个尾部内 {fine} 个更细水平上的分位数，输出互不"
        "交叉，以分位数（pinball）损失训练；ES 为各水平以下更细分位数的均值。VaR 与 ES 均为收益率："
        "99% VaR 为 -3% 表示收益率以 1% 的概率低于 -3%。",
    ),
    "method.backtests": (
        "Backtests. A breach is a realised return below the VaR. Kupiec's test asks whether "
        "the breach rate equals the level, Christoffersen's whether breaches are independent "
        "from one row to the next of an entity, and the conditional-coverage test both at once "
        "(chi-square with 1, 1 and 2 degrees of freedom). The Basel traffic light counts "
        "exceptions over an entity's last 250 test rows: green while the cumulative binomial "
        "probability is below 95%, yellow below 99.99%, red from there (at the 99% VaR: 0-4, "
        "5-9, 10 or more), with the Basel plus factor; pooled over entities it uses all test "
        "rows and is a guide only, as breaches on one day are correlated. ES: Acerbi and "
        "Szekely's Z2 (yellow at -0.70 or below, red at -1.80 or below) and McNeil and Frey's "
        "exceedance-residual test (one-sided bootstrap p-value).",
        "回测。实际收益率低于 VaR 即为一次突破。Kupiec 检验突破率是否等于水平，Christoffersen "
        "检验同一实体相邻样本的突破是否独立，条件覆盖检验同时检验二者（卡方分布，自由度分别为 "
        "1、1、2）。"
        "巴塞尔信号灯统计各实体最近 250 个测试样本的例外次数：累积二项概率低于 95% 为绿区，低于 "
        "99.99% 为黄区，其余为红区（99% VaR 下为 0-4、5-9、10 次及以上），并给出巴塞尔附加因子；"
        "跨实体汇总时使用全部测试样本，仅供参考，因为同一天的突破相互关联。ES：Acerbi 与 Szekely "
        "的 Z2（不高于 -0.70 为黄区，不高于 -1.80 为红区）以及 McNeil 与 Frey 的超额残差检验"
        "（单侧自助法 p 值）。",
    ),
    "method.verdict_var": (
        "The verdict rests on the paired interval of the difference in pinball loss. Every "
        "model is scored on the same resamples, and the deep model is called better only when "
        "the 95% interval of its advantage over the best comparator (historical simulation, "
        "GARCH(1,1)-t, filtered historical simulation or gradient boosting, whichever has the "
        "lowest test pinball loss) lies entirely above zero.",
        "结论基于分位数损失差值的配对区间。所有模型使用相同的重抽样样本评分；只有当深度模型相对最佳"
        "比较模型（历史模拟法、GARCH(1,1)-t、过滤历史模拟法或梯度提升中测试集分位数损失最低者）的"
        "优势的 95% 区间整体高于零时，才判定深度模型更优。",
    ),
    "method.bands_var": (
        "Risk bands. They read the VaR as a loss: low above {c1}, medium at or below {c1}, high "
        "at or below {c2}, very high at or below {c3}, the 50th, 80th and 95th percentiles of "
        "the training losses.",
        "风险档。风险档将 VaR 视为损失：高于 {c1} 为低，不高于 {c1} 为中，不高于 {c2} 为高，"
        "不高于 {c3} 为极高；分界点为训练期损失的第 50、80 与 95 百分位数。",
    ),
    # riskiest table
    "col.rank": ("#", "序号"),
    "col.entity": ("Entity", "实体"),
    "col.date": ("Date", "日期"),
    "col.score": ("Score", "评分"),
    "col.band": ("Band", "风险档"),
    "col.change": ("Change", "变化"),
    "col.outcome": ("Outcome", "实际结果"),
    "col.driver": ("Top driver", "首要驱动因素"),
    "driver.earlier": ("{driver}, on {date}", "{driver}，{date}"),
    "driver.none": ("not in the explained sample", "不在已解释的样本中"),
    "riskiest.drivers": (
        "Top driver: the largest SHAP contribution to the listed prediction or, when that one "
        "was not explained, to the entity's latest explained prediction (dated). {n} "
        'predictions are explained; for an entity marked "not in the explained sample", '
        "explain it on the Explain page and build the report again.",
        "首要驱动因素：所列预测中 SHAP 贡献最大的输入；若该预测未被解释，则取该实体最近一条已解释"
        "预测（注明日期）。已解释的预测共 {n} 条；标为“不在已解释的样本中”的实体，可在“解释”页面"
        "对其进行解释后重新生成报告。",
    ),
    "outcome.event": ("event", "发生"),
    "outcome.none": ("no event", "未发生"),
    "riskiest.note": (
        "Latest prediction of each entity, riskiest first. Change: against the same entity one "
        "horizon ({horizon} steps) earlier. Outcome: whether the event happened, where known.",
        "各实体的最新预测，按风险从高到低排列。变化：与同一实体一个预测期（{horizon} 步）之前"
        "相比。实际结果：事件是否发生（如已知）。",
    ),
    "riskiest.note_static": (
        "The riskiest predictions of the test split, highest score first. Outcome: whether the "
        "event happened.",
        "测试集中风险最高的预测，按评分从高到低排列。实际结果：事件是否发生。",
    ),
    # methodology
    "method.split": (
        "Chronological split. The predictions are cut once on the calendar for all entities "
        "into training, validation ({validation}) and test ({test}) periods. The {horizon} "
        "steps before each cut are dropped (embargo), so no training label overlaps the "
        "validation or test period.",
        "按时间顺序划分。所有实体按同一日历切分为训练期、验证期（{validation}）和测试期"
        "（{test}）。每个切分点前 {horizon} 步的样本被剔除（隔离期），因此训练标签不会与验证期"
        "或测试期重叠。",
    ),
    "method.stratified": (
        "Stratified random split. Without a time column the rows are split at random into "
        "training, validation ({validation}) and test ({test}), keeping the event rate of "
        "each part equal.",
        "分层随机划分。没有时间列时，数据按事件率分层随机划分为训练集、验证集（{validation}）"
        "和测试集（{test}）。",
    ),
    "method.lookahead": (
        "No look-ahead. A prediction at time t sees only the last {window} rows of its own "
        "entity up to t. Macro indicators and news sentiment enter through as-of backward joins "
        "(macro data after its publication lag: {macro_lag}); targets use only rows "
        "after t. Scalers and imputers are fitted on training rows only.",
        "无前视偏差。时间 t 的预测只使用本实体截至 t 的最近 {window} 行数据。宏观指标与新闻"
        "情绪通过向后的 as-of 连接进入（宏观数据按发布滞后对齐：{macro_lag}）；目标只使用"
        " t 之后的数据。标准化与缺失值填补只在训练数据上拟合。",
    ),
    "method.baselines": (
        "Honest baselines. A logistic regression and a gradient-boosting model (scikit-learn "
        "HistGradientBoosting) are trained on the same split, from summaries of the same "
        "windows: last value, mean, standard deviation, minimum and maximum of each sequence "
        "feature, plus the macro, sentiment and static inputs.",
        "诚实的基准。逻辑回归与梯度提升模型（scikit-learn HistGradientBoosting）使用相同划分，"
        "基于相同窗口的汇总特征训练：每个序列特征的最新值、均值、标准差、最小值与最大值，以及"
        "宏观、新闻情绪与静态输入。",
    ),
    "method.intervals": (
        "Uncertainty. Test metrics carry 95% percentile bootstrap intervals of the test "
        "predictions; this run did not record how they were resampled.",
        "不确定性。测试集指标附有测试集预测的 95% 百分位自助法区间；本次运行未记录重抽样方式。",
    ),
    "method.intervals_block": (
        "Uncertainty. Test metrics carry {level} percentile intervals from a block bootstrap "
        "over dates: {n_boot} resamples of the {dates} test dates, drawn in circular blocks of "
        "{block} consecutive dates, with all entities of a date kept together. Labels overlap "
        "over the {horizon}-step horizon, so neighbouring predictions are not independent and "
        "resampling single rows would make the intervals too narrow.",
        "不确定性。测试集指标附有按日期分块自助法得到的 {level} 百分位区间：对 {dates} 个测试日期"
        "重抽样 {n_boot} 次，每次按连续 {block} 个日期的循环块抽取，同一日期的所有实体一并抽取。"
        "标签在 {horizon} 步预测期内相互重叠，相邻预测并不独立，逐行重抽样会使区间过窄。",
    ),
    "method.intervals_row": (
        "Uncertainty. Test metrics carry {level} percentile intervals from a row bootstrap: "
        "{n_boot} resamples of the test predictions, which are rows without a time order.",
        "不确定性。测试集指标附有按行自助法得到的 {level} 百分位区间："
        "对测试集预测（无时间顺序的行）重抽样 {n_boot} 次。",
    ),
    "method.verdict": (
        "The verdict rests on the paired interval of the difference. Every model is scored on "
        "the same resamples, and the deep model is called better only when the 95% interval of "
        "its advantage over the best comparator (logistic regression, gradient boosting or the "
        "best single input, whichever scores best on test) lies entirely above zero; whether "
        "two separate intervals overlap decides nothing.",
        "结论基于差值的配对区间。所有模型使用相同的重抽样样本评分；只有当深度模型相对最佳对照模型"
        "（逻辑回归、梯度提升或最佳单一输入中测试集表现最好者）的优势的 95% 区间整体高于零时，"
        "才判定深度模型更优；两个单独区间是否重叠并不能说明问题。",
    ),
    "method.benchmark": (
        "Best single input. Every input is also tried as a score by itself: its value at t and, "
        "for sequence features, its mean and standard deviation over the window. The one with "
        "the highest validation ROC-AUC, with whichever sign ranks better, becomes the "
        "benchmark, turned into a probability by a logistic fit on validation; the test period "
        "is never used to choose it. In this run: {name}.",
        "最佳单一输入。每个输入也单独作为评分进行检验：其在 t 时刻的值，以及序列特征在窗口内的均值"
        "与标准差。验证集 ROC-AUC 最高者（取排序更好的方向）作为基准，并在验证集上用逻辑回归映射为"
        "概率；选择过程从不使用测试期。本次运行：{name}。",
    ),
    "method.benchmark_regression": (
        "Best single input. Every input is also tried as a predictor by itself: its value at t "
        "and, for sequence features, its mean and standard deviation over the window, each "
        "through a line fitted on training rows. The one with the lowest validation RMSE "
        "becomes the benchmark; the test period is never used to choose it. In this run: "
        "{name}.",
        "最佳单一输入。每个输入也单独作为预测变量进行检验：其在 t 时刻的值，以及序列特征在窗口内的"
        "均值与标准差，各自通过在训练数据上拟合的直线进行预测。验证集 RMSE 最低者作为基准；选择过程"
        "从不使用测试期。本次运行：{name}。",
    ),
    "method.calibration": (
        "Calibration. Each classifier's scores are turned into probabilities by {method} "
        "fitted on the validation split only, never on test; the raw scores are kept beside "
        "them. Ranking metrics (ROC-AUC, PR-AUC, KS, Gini) use the raw scores and are "
        "unchanged by calibration; risk bands, expected cost, counts above a threshold and "
        "every probability in this report use the calibrated probabilities.",
        "校准。每个分类模型的评分经{method}转换为概率，校准仅在验证集上拟合，从不使用测试集；"
        "原始分数一并保留。排序类指标（ROC-AUC、PR-AUC、KS、基尼系数）使用原始分数，不受校准影响；风险档、"
        "预期成本、超过阈值的计数以及本报告中的所有概率均使用校准后的概率。",
    ),
    "method.uncalibrated": (
        "Calibration. This run predates calibration: its scores are the model's raw outputs, "
        "and risk bands and counts are read on them.",
        "校准。本次运行早于校准功能：其评分为模型的原始输出，风险档与计数均基于原始输出。",
    ),
    "method.explain": (
        "Explanations. SHAP values are expected gradients (shap.GradientExplainer) against a "
        "background of training windows; the base value is the mean prediction over the "
        "background. Contributions are summed over the time steps of each window.",
        "解释方法。SHAP 值采用期望梯度（shap.GradientExplainer），背景样本取自训练窗口；基准值"
        "为背景样本的平均预测。贡献值在窗口内各时间步上求和。",
    ),
    "method.bands": (
        "Risk bands. Low below {c1}, medium from {c1}, high from {c2}, very high from {c3}.",
        "风险档。低于 {c1} 为低，{c1} 起为中，{c2} 起为高，{c3} 起为极高。",
    ),
    "method.bands_quantiles": (
        "Cut points are the 50th, 80th and 95th percentiles of the training predictions.",
        "分界点为训练期预测值的第 50、80 与 95 百分位数。",
    ),
    "method.limits": ("What the model cannot know", "模型无法知道的情况"),
    "limit.novel": (
        "Events unlike those of the training period ({start} to {end}): a crisis of a kind the "
        "data never showed is scored from patterns that may not apply.",
        "与训练期（{start} 至 {end}）不同的事件：数据中从未出现过的危机类型，只能用可能并不适用"
        "的历史模式来评分。",
    ),
    "limit.regime": (
        "Regime changes: new policy, market structure or customer behaviour weaken the learnt "
        "relations. Monitor drift (PSI) and retrain.",
        "体制变化：新的政策、市场结构或客户行为会削弱模型学到的关系。应监测漂移（PSI）并重新训练。",
    ),
    "limit.data": (
        "Data errors: wrong, late or revised inputs give wrong scores, and the model cannot "
        "tell a data error from a real change.",
        "数据错误：错误、延迟或被修订的输入会导致错误评分，模型无法区分数据错误与真实变化。",
    ),
    "limit.causal": (
        "Associations, not causes: SHAP shows what moved a score, not what would lower the risk.",
        "相关而非因果：SHAP 说明是什么推动了评分，而不是什么能降低风险。",
    ),
    # appendix
    "appendix.report": ("Report parameters", "报告参数"),
    "appendix.threshold": ("Decision threshold", "决策阈值"),
    "appendix.bands": ("Risk band cut points", "风险档分界点"),
    "appendix.explanations": ("SHAP explanations", "SHAP 解释"),
    "appendix.scenarios": ("Stress scenarios", "压力情景"),
    "appendix.count": ("{n} predictions", "{n} 条预测"),
    "appendix.versions": ("Software versions", "软件版本"),
    "appendix.config": ("Run configuration (config.json)", "运行配置（config.json）"),
}


def text(key: str, language: str = "en", **values: object) -> str:
    """One report string in the report's language, with its {placeholders} filled in (left as
    a template when no values are given)."""
    template = TEXTS[key][LANGUAGES.index(language)]
    if not values:
        return template
    text = template.format(**values)
    return cjk_spacing(text) if language == "zh" else text
