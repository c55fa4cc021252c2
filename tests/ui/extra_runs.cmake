# The keychain test against a real Secret Service: the test starts GNOME Keyring on
# a private session bus (dbus-run-session) with a throw-away keyring in a temporary
# home, and QtKeychain reaches it through libsecret. Registered only where the three
# exist (Debian: dbus-bin, gnome-keyring, libsecret-1-0); tst_api_key_store itself
# always runs and checks the no-keychain case.
find_program(RLRF_DBUS_RUN_SESSION dbus-run-session)
find_program(RLRF_GNOME_KEYRING_DAEMON gnome-keyring-daemon)
find_library(RLRF_LIBSECRET NAMES secret-1 libsecret-1.so.0)
if(TARGET tst_api_key_store AND RLRF_DBUS_RUN_SESSION AND RLRF_GNOME_KEYRING_DAEMON AND RLRF_LIBSECRET)
  # rlrf_add_qt_test runs the executable itself; this run needs the bus around it.
  add_test(NAME tst_api_key_store_secret_service
           COMMAND ${RLRF_DBUS_RUN_SESSION} -- $<TARGET_FILE:tst_api_key_store>)
  set_tests_properties(tst_api_key_store_secret_service PROPERTIES LABELS ui TIMEOUT 300
      ENVIRONMENT "QT_QPA_PLATFORM=offscreen;RLRF_TEST_SECRET_SERVICE=${RLRF_GNOME_KEYRING_DAEMON}")
endif()
