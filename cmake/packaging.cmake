# Debian packages of firstset, one per install component (`cpack -G DEB -B DIR` in a build folder;
# tests/package/ installs them into an empty folder and builds a find_package(firstset) consumer):
#   libfirstset1        runtime       libfirstset.so.1 (its own copies of yaml-cpp, PCRE2, Hyperscan
#                                     and the C++ runtime; needs only libc, libcrypto, libcurl, zlib)
#   libfirstset-dev     development   headers, the libfirstset.so link, the CMake package config
#   firstset-data       data          policy packs, JSON Schemas, examples (/usr/share/firstset)
#   firstset-tools      tools         firstset-host, firstset-ledger, firstset-registry
#   firstset-server     server        firstset-server, its systemd unit, docs/server.md, openapi.yaml
#   libfirstset-java    java          /usr/share/java/firstset.jar (JNA)
#   libfirstset-cil     dotnet        /usr/lib/cli/firstset/Firstset.dll (Mono/.NET; Debian's CLI folder)
#   python3-firstset    python        /usr/lib/python3/dist-packages/firstset
set(CPACK_PACKAGE_NAME firstset)
set(CPACK_PACKAGE_VENDOR "firstset")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "First-set equipment policy (首台（套）) for tender evaluation")
set(CPACK_PACKAGE_CONTACT "firstset maintainers <firstset@example.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from the binaries' NEEDED entries (dpkg-shlibdeps)
set(CPACK_COMPONENTS_ALL runtime development data tools)
if(TARGET firstset-server)
  list(APPEND CPACK_COMPONENTS_ALL server)
endif()

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libfirstset1)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # DEBIAN/shlibs: programs built against it get a Depends
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "firstset: the shared library (C ABI 1)\n libfirstset.so.1 applies China's first-set equipment policy inside tender evaluation\n software: deemed-met criteria, the evaluation-method audit and the decision log.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libfirstset-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libfirstset1 (= ${PROJECT_VERSION})")
set(CPACK_COMPONENT_DEVELOPMENT_DESCRIPTION "firstset: headers and CMake package configuration\n firstset.h (C99), firstset.hpp (C++ wrapper over Boost.DLL) and find_package(firstset).")

set(CPACK_DEBIAN_DATA_PACKAGE_NAME firstset-data)
set(CPACK_DEBIAN_DATA_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DATA_PACKAGE_SECTION misc)
set(CPACK_COMPONENT_DATA_DESCRIPTION "firstset: policy packs, JSON Schemas and sample configuration")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME firstset-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "libfirstset1 (= ${PROJECT_VERSION}), firstset-data (= ${PROJECT_VERSION})")
set(CPACK_COMPONENT_TOOLS_DESCRIPTION "firstset: example host, ledger and registry tools")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME firstset-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "firstset-data (= ${PROJECT_VERSION})")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "firstset: the engine as an HTTP service\n firstset-server serves evaluate, lint, records, verify, status, /healthz and\n /metrics over HTTP/1.1 (optionally TLS), with bearer tokens for writes and a\n systemd unit that drains on SIGTERM.")

if(TARGET firstset_java)
  list(APPEND CPACK_COMPONENTS_ALL java)
  set(CPACK_DEBIAN_JAVA_PACKAGE_NAME libfirstset-java)
  set(CPACK_DEBIAN_JAVA_PACKAGE_ARCHITECTURE all)
  set(CPACK_DEBIAN_JAVA_PACKAGE_SECTION java)
  set(CPACK_DEBIAN_JAVA_PACKAGE_DEPENDS "libfirstset1 (>= ${PROJECT_VERSION}), libjna-java, default-jre-headless | java11-runtime-headless")
  set(CPACK_COMPONENT_JAVA_DESCRIPTION "firstset: Java client library (JNA)\n org.firstset.Engine over libfirstset.so.1.")
endif()
if(TARGET firstset_dotnet)
  list(APPEND CPACK_COMPONENTS_ALL dotnet)
endif()
set(CPACK_DEBIAN_DOTNET_PACKAGE_NAME libfirstset-cil)
set(CPACK_DEBIAN_DOTNET_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DOTNET_PACKAGE_SECTION cli-mono)
set(CPACK_DEBIAN_DOTNET_PACKAGE_DEPENDS "libfirstset1 (>= ${PROJECT_VERSION}), mono-runtime, libmono-corlib4.5-cil, libmono-system4.0-cil, libmono-system-core4.0-cil")
set(CPACK_COMPONENT_DOTNET_DESCRIPTION "firstset: .NET client library (Mono)\n Firstset.Engine over libfirstset.so.1.")
if(EXISTS ${PROJECT_SOURCE_DIR}/bindings/python/CMakeLists.txt)
  list(APPEND CPACK_COMPONENTS_ALL python)
endif()
set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-firstset)
set(CPACK_DEBIAN_PYTHON_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "libfirstset1 (>= ${PROJECT_VERSION}), python3")
set(CPACK_COMPONENT_PYTHON_DESCRIPTION "firstset: Python client library (ctypes)\n The firstset package over libfirstset.so.1.")

include(CPack)
