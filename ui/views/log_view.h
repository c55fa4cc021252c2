// The Log panel: the live spdlog stream of every backend module, with a level filter.
#pragma once

#include <QWidget>

#include <memory>

class QComboBox;
class QPlainTextEdit;
class QTimer;

namespace rlrf::ui {

class QtLogSink;

class LogView : public QWidget {
    Q_OBJECT
public:
    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;

    // Text currently shown (tests and "copy all").
    QString text() const;

public Q_SLOTS:
    void pollNow(); // drain the sink immediately (the timer does it every 100 ms)

private:
    std::shared_ptr<QtLogSink> m_sink;
    QPlainTextEdit *m_text;
    QComboBox *m_level;
    QTimer *m_timer;
};

} // namespace rlrf::ui
