#include "views/log_view.h"

#include "string_convert.h"
#include "worker/qt_log_sink.h"

#include "core/logging.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace rlrf::ui {

LogView::LogView(QWidget *parent)
    : QWidget(parent)
    , m_sink(std::make_shared<QtLogSink>())
    , m_text(new QPlainTextEdit(this))
    , m_level(new QComboBox(this))
    , m_timer(new QTimer(this))
{
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(20000);
    m_text->setObjectName(QStringLiteral("logText"));
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    m_text->setFont(mono);

    m_level->addItem(tr("Debug"), int(spdlog::level::debug));
    m_level->addItem(tr("Info"), int(spdlog::level::info));
    m_level->addItem(tr("Warnings"), int(spdlog::level::warn));
    m_level->addItem(tr("Errors"), int(spdlog::level::err));
    m_level->setCurrentIndex(1);
    m_level->setObjectName(QStringLiteral("logLevel"));

    auto *clear = new QPushButton(tr("Clear"), this);
    connect(clear, &QPushButton::clicked, m_text, &QPlainTextEdit::clear);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_level);
    bar->addStretch();
    bar->addWidget(clear);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_text);

    rlrf::log::attachSink(m_sink);
    connect(m_timer, &QTimer::timeout, this, &LogView::pollNow);
    m_timer->start(100);
}

LogView::~LogView()
{
    rlrf::log::detachSink(m_sink);
}

QString LogView::text() const
{
    return m_text->toPlainText();
}

void LogView::pollNow()
{
    const auto minLevel = static_cast<spdlog::level::level_enum>(m_level->currentData().toInt());
    const auto lines = m_sink->drain();
    for (const auto &line : lines) {
        if (line.level < minLevel)
            continue;
        QString text = toQString(line.text);
        if (text.endsWith(QLatin1Char('\n')))
            text.chop(1);
        m_text->appendPlainText(text);
    }
}

} // namespace rlrf::ui
