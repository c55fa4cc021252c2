// A page whose contents a later part of the workbench provides: it says what will
// be here, so a new user is never left with an empty grey area.
#pragma once

#include <QWidget>

namespace rlrf::ui {

class PlaceholderPage : public QWidget {
    Q_OBJECT
public:
    PlaceholderPage(const QString &title, const QString &description, QWidget *parent = nullptr);
};

} // namespace rlrf::ui
