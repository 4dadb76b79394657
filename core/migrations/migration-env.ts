// The part of an environment the migration commands need: its name (for messages and
// guards) and whether it is protected. Invariant: no connection details here — those come as
// a ConnectionTarget, so nothing in this shape can leak a password.

export interface MigrationEnv {
  name: string;
  protected: boolean;
}
