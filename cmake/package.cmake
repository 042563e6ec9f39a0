# The Debian package (CPack DEB; scripts/package.sh builds it, specs/install.md). It holds
# what `cmake --install` installs under /usr; its Depends come from dpkg-shlibdeps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mkimg)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mkimg developers <mkimg@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "disc-image mastering toolkit: ISO 9660/Rock Ridge/Joliet builder, readers, recorder emulator")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The preload library is private to mkimg (PREFIX/lib/mkimg): dpkg-shlibdeps must not look
# for a package providing it.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_BINARY_DIR}/mkimg)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "xorriso, cdrskin, wodim, growisofs, cdrdao")
set(CPACK_STRIP_FILES ON)
include(CPack)
