// Everything a component tree needs around it: the Redux store, the query cache and the services context.
// Without `services` it creates the app's own once and restores a stored session; tests pass fresh ones.
import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type JSX, type ReactNode } from "react";
import { Provider } from "react-redux";
import { ServicesContext } from "../hooks/useServices";
import { createServices, type AppServices } from "../services";

export function AppProviders(props: { children: ReactNode; services?: AppServices }): JSX.Element {
  const [own] = useState(() => (props.services ? null : createServices()));
  const services = props.services ?? own;
  if (!services) throw new Error("unreachable: services are either passed or created");

  useEffect(() => {
    if (own) void own.session.restore();
  }, [own]);

  return (
    <ServicesContext.Provider value={services}>
      <Provider store={services.store}>
        <QueryClientProvider client={services.queryClient}>{props.children}</QueryClientProvider>
      </Provider>
    </ServicesContext.Provider>
  );
}
