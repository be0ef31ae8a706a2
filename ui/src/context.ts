import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api, Me, Office } from './api';
import { labels, Lang } from './i18n';

export interface AppState {
  api: Api;
  lang: Lang;
  t: (typeof labels)['ja'];
  me: Me;
  office: Office;
  /** The service's today (JST), from its own clock: what "today" means for the calendar and the to-do lists. */
  today: string;
  /** May refuse service and lift a refusal (A12.1, A6.5). */
  supervisor: boolean;
}

export const App = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const state = useContext(App);
  if (!state) throw new Error('useApp outside the signed-in page');
  return state;
}

export function go(hash: string): void {
  location.hash = hash;
}
