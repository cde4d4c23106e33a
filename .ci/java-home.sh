# Sourced by ./cpift and .ci/run: selects a JDK 25 or newer when the default java is older.
cpift_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}
cpift_select_jdk() {
  local current=""
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    current=$(cpift_java_major "$JAVA_HOME/bin/java")
  elif command -v java >/dev/null 2>&1; then
    current=$(cpift_java_major java)
  fi
  if [ -n "$current" ] && [ "${current%%.*}" -ge 25 ] 2>/dev/null; then
    if [ -z "${JAVA_HOME:-}" ]; then
      JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
      export JAVA_HOME
    fi
    return 0
  fi
  local jdk
  for jdk in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/temurin-2[6-9]* /usr/lib/jvm/*; do
    [ -x "$jdk/bin/javac" ] || continue
    local v
    v=$(cpift_java_major "$jdk/bin/java")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$jdk"
      export PATH="$jdk/bin:$PATH"
      return 0
    fi
  done
  echo "cpift: Java 25 or newer is required; found ${current:-none}. Install a JDK 25 (e.g. Temurin) under /usr/lib/jvm or set JAVA_HOME." >&2
  return 1
}
