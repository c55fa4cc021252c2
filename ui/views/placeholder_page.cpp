#include "views/placeholder_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace rlrf::ui {

PlaceholderPage::PlaceholderPage(const QString &title, const QString &description, QWidget *parent)
    : QWidget(parent)
{
    auto *heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title.toHtmlEscaped()), this);
    auto *text = new QLabel(description, this);
    text->setWordWrap(true);
    text->setObjectName(QStringLiteral("description"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(text);
    layout->addStretch();
}

} // namespace rlrf::ui
