"""Translation table of the Monitor page: key -> (English, 简体中文); merged into ui.i18n.TEXT."""

from __future__ import annotations

MONITOR_TEXT: dict[str, tuple[str, str]] = {
    "nav.monitor": ("Monitor", "监控"),
    "monitor.title": ("Monitor", "监控"),
    "monitor.caption": (
        "New data scored by `watch` as it arrives: drift against the training data over time "
        "and the entities whose risk crossed the threshold. Run {run_id}.",
        "由 `watch` 在新数据到达时打分：随时间变化的相对训练数据的漂移，以及风险越过阈值的实体。运行 {run_id}。",
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
}
