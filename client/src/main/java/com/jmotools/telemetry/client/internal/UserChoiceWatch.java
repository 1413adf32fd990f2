package com.jmotools.telemetry.client.internal;

/**
 * Whether the user's own settings still let a running client write and send: consent is decided
 * when the client is built, but {@code jmo telemetry disable} in another process (or an edit that
 * breaks the file) must stop a scan that is already running.
 *
 * <p>Cheap enough to ask before every write to the outbox and every batch: one {@code stat} of the
 * settings file; the file is read again only when its modification time, size or identity changed
 * (the writer replaces it by a rename, so the identity changes on every write). Once the settings
 * say off (an explicit off, or a file that cannot be read), the answer stays "no" for the life of
 * this client: a later {@code enable} takes effect from the next client built.
 */
public final class UserChoiceWatch {

  /** A watch that always allows: for a client whose state holds no user settings to watch. */
  public static final UserChoiceWatch ALWAYS = new UserChoiceWatch(null);

  private final UserSettings settings;
  private Object seen = FileStamp.NEVER; // the file's stamp when last read
  private volatile boolean withdrawn;

  /**
   * @param settings the user's settings; {@code null} for {@link #ALWAYS}
   */
  public UserChoiceWatch(UserSettings settings) {
    this.settings = settings;
  }

  /** Whether the user's settings still allow recording and sending. Never throws. */
  public boolean allows() {
    if (settings == null) {
      return true;
    }
    if (withdrawn) {
      return false;
    }
    synchronized (this) {
      if (withdrawn) {
        return false;
      }
      Object now = FileStamp.of(settings.file());
      if (now.equals(seen)) {
        return true;
      }
      seen = now;
      UserSettings.Values v = settings.read();
      if (v.unreadable() || Boolean.FALSE.equals(v.enabled())) {
        withdrawn = true;
      }
      return !withdrawn;
    }
  }
}
