/** Keeps a failing screen (say a chunk that cannot load offline) from blanking the app. */
import { Component } from 'react';
import type { ReactNode } from 'react';
import { ErrorState } from '../../ui/components/states';

export class ScreenBoundary extends Component<
  { children: ReactNode; fallback?: ReactNode },
  { error: unknown }
> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      this.props.fallback ?? (
        <ErrorState error={this.state.error} onRetry={() => this.setState({ error: null })} />
      )
    );
  }
}
