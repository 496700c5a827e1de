import { CloudUploadOutlined, DeleteOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, Descriptions, Empty, Modal, Row, Space, Spin, Typography, Upload } from "antd";
import { useEffect, useState } from "react";
import { api, unwrap } from "../../api/client";
import type { OfficeSeal } from "../../api/certificateTypes";
import { fileBody } from "../../api/download";
import { ProblemAlert } from "../../components/ProblemAlert";
import { labelOf } from "../../constants/enums";
import { REVIEW_TIER_LABELS } from "../../constants/verification";
import { formatDateTime } from "../../utils/format";
import { dataUrlOf, useSealImageUrl } from "./api";
import { sealContentType, sealFileProblem } from "./logic";
import { ActorName } from "../../components/ActorName";

/** A checkerboard behind an image, so that a transparent background shows as such. */
const CHECKERBOARD: React.CSSProperties = {
  backgroundColor: "#fff",
  backgroundImage:
    "linear-gradient(45deg,#eee 25%,transparent 25%),linear-gradient(-45deg,#eee 25%,transparent 25%),linear-gradient(45deg,transparent 75%,#eee 75%),linear-gradient(-45deg,transparent 75%,#eee 75%)",
  backgroundSize: "16px 16px",
  backgroundPosition: "0 0,0 8px,8px -8px,-8px 0",
  border: "1px solid #f0f0f0",
  borderRadius: 8,
  padding: 16,
  minHeight: 200,
  display: "flex",
  alignItems: "center",
  justifyContent: "center",
};

function SealImage({ sealId }: { sealId: string }) {
  const image = useSealImageUrl(sealId);
  if (image.isLoading) return <Spin />;
  if (image.isError) return <ProblemAlert problem={image.error} />;
  return image.url ? (
    <img src={image.url} alt="电子印章" style={{ maxWidth: "100%", maxHeight: 240 }} data-testid="seal-image" />
  ) : null;
}

/** A local preview of the file chosen, before the server processed it (a `data:` URL, as the CSP wants). */
function useLocalUrl(file: File | null) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setUrl(null);
    if (file) void dataUrlOf(file).then((u) => live && setUrl(u));
    return () => {
      live = false;
    };
  }, [file]);
  return url;
}

/** 电子印章: an office's seal for the certificates it issues. */
export default function SealPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [scan, setScan] = useState<File | null>(null);
  const [confirmRetire, setConfirmRetire] = useState(false);
  const scanUrl = useLocalUrl(scan);
  const mine = useQuery({ queryKey: ["seal", "mine"], queryFn: () => unwrap(api.GET("/api/v1/seals/mine")) });
  const upload = useMutation({
    mutationFn: (file: File): Promise<OfficeSeal> =>
      unwrap(
        api.PUT("/api/v1/seals/mine", {
          body: file,
          bodySerializer: fileBody,
          headers: { "Content-Type": sealContentType(file) },
        }),
      ),
    onSuccess(data) {
      queryClient.setQueryData(["seal", "mine"], data);
      message.success("电子印章已更新，此后颁发的证书使用新印章");
    },
  });
  const retire = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/seals/mine")),
    onSuccess() {
      setConfirmRetire(false);
      setScan(null);
      void queryClient.invalidateQueries({ queryKey: ["seal", "mine"] });
      message.success("电子印章已停用");
    },
  });
  const data = mine.data;
  const seal = data?.seal ?? null;

  return (
    <Card title="电子印章" data-testid="seal-page">
      {mine.isLoading && <Spin />}
      {mine.isError && <ProblemAlert problem={mine.error} />}
      {data && (
        <Space orientation="vertical" size="large" style={{ width: "100%" }}>
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
            <Descriptions.Item label="办公室">{labelOf(REVIEW_TIER_LABELS, data.office)}</Descriptions.Item>
            <Descriptions.Item label="证书颁发机构">
              <span data-testid="seal-issuer">{data.issuer}</span>
            </Descriptions.Item>
            <Descriptions.Item label="印章状态">
              {seal ? (
                <Typography.Text type="success" data-testid="seal-state" data-state="active">
                  使用中（{seal.width}×{seal.height} 像素）
                </Typography.Text>
              ) : (
                <Typography.Text type="warning" data-testid="seal-state" data-state="none">
                  未上传
                </Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label="上传">{seal ? (<><ActorName login={seal.uploaded_by} /> {formatDateTime(seal.uploaded_at)}</>) : "—"}</Descriptions.Item>
          </Descriptions>
          {!seal && (
            <Alert
              type="warning"
              showIcon
              data-testid="seal-missing"
              title="尚未上传电子印章"
              description="在上传印章之前，本办公室颁发的证书在印章处打印“须加盖印章”，须手工加盖公章后方为有效。"
            />
          )}
          <Row gutter={[16, 16]}>
            {scan && scanUrl && (
              <Col xs={24} md={12}>
                <Typography.Title level={5}>上传的扫描件</Typography.Title>
                <div style={CHECKERBOARD}>
                  <img src={scanUrl} alt="扫描件" style={{ maxWidth: "100%", maxHeight: 240 }} />
                </div>
              </Col>
            )}
            <Col xs={24} md={scan ? 12 : 24}>
              <Typography.Title level={5}>{scan && seal ? "处理后的印章（已去除白色背景）" : "使用中的印章"}</Typography.Title>
              <div style={CHECKERBOARD} data-testid="seal-preview">
                {seal ? <SealImage sealId={seal.id} /> : <Empty description="暂无印章" />}
              </div>
            </Col>
          </Row>
          <Alert
            type="info"
            showIcon
            title="上传说明"
            description="在白纸上清晰盖章后扫描或拍照（PNG 或 JPEG，10 MB 以内）。系统自动去除白色背景、裁去空白，新印章只用于此后颁发的证书，已颁发的证书保持原样。"
          />
          {upload.isError && <ProblemAlert problem={upload.error} />}
          {retire.isError && <ProblemAlert problem={retire.error} />}
          <Space wrap>
            <Upload
              accept=".png,.jpg,.jpeg,image/png,image/jpeg"
              showUploadList={false}
              beforeUpload={(file) => {
                const problem = sealFileProblem(file);
                if (problem) message.error(problem);
                else {
                  setScan(file);
                  upload.mutate(file);
                }
                return false;
              }}
            >
              <Button type="primary" icon={<CloudUploadOutlined />} loading={upload.isPending} data-testid="seal-upload">
                {seal ? "更换印章" : "上传印章"}
              </Button>
            </Upload>
            {seal && (
              <Button danger icon={<DeleteOutlined />} onClick={() => setConfirmRetire(true)} data-testid="seal-retire">
                停用印章
              </Button>
            )}
          </Space>
        </Space>
      )}
      <Modal
        title="停用电子印章"
        open={confirmRetire}
        okText="确认停用"
        okButtonProps={{ danger: true, "data-testid": "seal-retire-confirm" } as never}
        cancelText="取消"
        confirmLoading={retire.isPending}
        onOk={() => retire.mutate()}
        onCancel={() => setConfirmRetire(false)}
      >
        停用后，此后颁发的证书在印章处打印“须加盖印章”，直到上传新的印章。已颁发的证书不受影响。
      </Modal>
    </Card>
  );
}
