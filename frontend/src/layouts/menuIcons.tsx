import {
  AuditOutlined,
  BarChartOutlined,
  CalculatorOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  CopyrightOutlined,
  CustomerServiceOutlined,
  DashboardOutlined,
  EditOutlined,
  ExperimentOutlined,
  FieldTimeOutlined,
  FileSearchOutlined,
  FormOutlined,
  FundOutlined,
  IdcardOutlined,
  KeyOutlined,
  NotificationOutlined,
  NumberOutlined,
  PrinterOutlined,
  QrcodeOutlined,
  ReadOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
  SlidersOutlined,
  SolutionOutlined,
  TableOutlined,
  TeamOutlined,
  TrophyOutlined,
} from "@ant-design/icons";
import type { ReactNode } from "react";

/**
 * The menu's icons, by the name the route table gives (`icon: "TeamOutlined"`).
 * Here rather than in the table, so that the icons load with the offices'
 * frame (BasicLayout) and not with every page: the sign-in and trainee pages
 * never draw them.
 */
export const MENU_ICONS = {
  AuditOutlined: <AuditOutlined />,
  BarChartOutlined: <BarChartOutlined />,
  CalculatorOutlined: <CalculatorOutlined />,
  CalendarOutlined: <CalendarOutlined />,
  CheckSquareOutlined: <CheckSquareOutlined />,
  CloudUploadOutlined: <CloudUploadOutlined />,
  ClusterOutlined: <ClusterOutlined />,
  CopyrightOutlined: <CopyrightOutlined />,
  CustomerServiceOutlined: <CustomerServiceOutlined />,
  DashboardOutlined: <DashboardOutlined />,
  EditOutlined: <EditOutlined />,
  ExperimentOutlined: <ExperimentOutlined />,
  FieldTimeOutlined: <FieldTimeOutlined />,
  FileSearchOutlined: <FileSearchOutlined />,
  FormOutlined: <FormOutlined />,
  FundOutlined: <FundOutlined />,
  IdcardOutlined: <IdcardOutlined />,
  KeyOutlined: <KeyOutlined />,
  NotificationOutlined: <NotificationOutlined />,
  NumberOutlined: <NumberOutlined />,
  PrinterOutlined: <PrinterOutlined />,
  QrcodeOutlined: <QrcodeOutlined />,
  ReadOutlined: <ReadOutlined />,
  SafetyCertificateOutlined: <SafetyCertificateOutlined />,
  SendOutlined: <SendOutlined />,
  SlidersOutlined: <SlidersOutlined />,
  SolutionOutlined: <SolutionOutlined />,
  TableOutlined: <TableOutlined />,
  TeamOutlined: <TeamOutlined />,
  TrophyOutlined: <TrophyOutlined />,
} satisfies Record<string, ReactNode>;

export type MenuIconName = keyof typeof MENU_ICONS;
